package io.stage1xen.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XlInfoParserTest {

  @Test
  void parsesTheRealXen417Capture() throws HostException {
    HostInfo host = XlInfoParser.parse(Samples.read("xl-info-4.17-hvm-real.txt"), CpuFlags.UNKNOWN);
    assertEquals(XenVersion.parse("4.17.7"), host.xenVersion());
    assertEquals(Set.of("pv", "hvm", "hap", "gnttab-v1", "gnttab-v2"), host.virtCaps());
    assertEquals(List.of("xen-3.0-x86_64", "hvm-3.0-x86_32", "hvm-3.0-x86_32p", "hvm-3.0-x86_64"), host.xenCaps());
    assertEquals(2, host.nrCpus());
    assertEquals(4544, host.freeMemoryMib().getAsLong());
    assertEquals(6143, host.totalMemoryMib());
  }

  @Test
  void keepsColonsInValuesAndEmptyValues() {
    Map<String, String> f = XlInfoParser.parseLines(Samples.read("xl-info-4.9-nohvm.txt"));
    assertEquals("Fri Nov 30 17:59:34 UTC 2018", f.get("cc_compile_date"));
    assertEquals("", f.get("virt_caps"));
    assertEquals("", f.get("xen_changeset"));
  }

  @ParameterizedTest
  @CsvSource({
      "xl-info-4.9-hvm.txt, 4.9.2, 8, 'hvm hvm_directio'",
      "xl-info-4.9-nohvm.txt, 4.9.2, 8, ''",
      "xl-info-4.11-hvm.txt, 4.11.4, 8, 'hvm hvm_directio'",
      "xl-info-4.14-hvm.txt, 4.14.6, 16, 'hap hvm hvm_directio pv pv_directio shadow'",
      "xl-info-4.14-nohvm.txt, 4.14.6, 4, 'pv pv_directio'",
      "xl-info-4.17-no-caps.txt, 4.17.7, 2, ''"})
  void parsesEveryRelease(String file, String version, int cpus, String virtCaps) throws HostException {
    HostInfo host = XlInfoParser.parse(Samples.read(file), CpuFlags.UNKNOWN);
    assertEquals(version, host.xenVersion().toString());
    assertEquals(cpus, host.nrCpus());
    assertEquals(virtCaps, String.join(" ", host.virtCaps()));
  }

  @Test
  void fallsBackToMajorAndMinor() throws HostException {
    HostInfo host = XlInfoParser.parse("xen_major : 4\nxen_minor : 9\nxen_extra : .1\nnr_cpus : 1\n"
        + "free_memory : 10\ntotal_memory : 20\n", CpuFlags.UNKNOWN);
    assertEquals("4.9.1", host.xenVersion().toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "nr_cpus : 2\\nfree_memory : 1\\ntotal_memory : 1| printed no xen_version",
      "xen_version : 4.17.7\\nfree_memory : 1\\ntotal_memory : 1| printed no nr_cpus",
      "xen_version : 4.17.7\\nnr_cpus : two\\nfree_memory : 1\\ntotal_memory : 1| field nr_cpus has an unexpected value 'two'",
      "xen_version : 4.17.7\\nnr_cpus : 0\\nfree_memory : 1\\ntotal_memory : 1| field nr_cpus has an unexpected value '0'",
      "xen_version : banana\\nnr_cpus : 1\\nfree_memory : 1\\ntotal_memory : 1| xen_version has an unexpected value 'banana'",
      "xen_version : 4.17.7\\nnr_cpus : 1\\ntotal_memory : 1| printed no free_memory"})
  void namesTheMissingOrBadField(String text, String expected) {
    HostException e = assertThrows(HostException.class,
        () -> XlInfoParser.parse(text.replace("\\n", "\n"), CpuFlags.UNKNOWN));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith("'xl info'"), e.getMessage());
  }
}
