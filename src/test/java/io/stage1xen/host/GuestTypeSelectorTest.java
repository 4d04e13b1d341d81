package io.stage1xen.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.outcome.Stage1Failure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GuestTypeSelectorTest {

  private static GuestTypeRequest request(String word) {
    return word.equals("auto") ? GuestTypeRequest.AUTO : GuestTypeRequest.parse(word, "STAGE1_XEN_GUEST_TYPE");
  }

  @ParameterizedTest(name = "{0} + {1}, {2} -> {3}")
  @CsvSource({
      // Xen 4.9: PVH only through builder="hvm"; PV always possible although virt_caps never says pv
      "xl-info-4.9-hvm.txt, cpuinfo-intel-vmx.txt, auto, BUILDER_HVM_NO_DM",
      "xl-info-4.9-hvm.txt, cpuinfo-amd-pv-dom0-real.txt, auto, BUILDER_HVM_NO_DM",
      "xl-info-4.9-hvm.txt, cpuinfo-intel-vmx.txt, pv, BUILDER_GENERIC",
      "xl-info-4.9-nohvm.txt, cpuinfo-amd-pv-dom0-real.txt, auto, BUILDER_GENERIC",
      // Xen 4.10+: type= exists
      "xl-info-4.10-hvm.txt, cpuinfo-intel-vmx.txt, auto, TYPE_PVH",
      "xl-info-4.11-hvm.txt, cpuinfo-amd-pv-dom0-real.txt, auto, TYPE_PVH",
      "xl-info-4.11-hvm.txt, cpuinfo-amd-pv-dom0-real.txt, pv, TYPE_PV",
      "xl-info-4.14-hvm.txt, cpuinfo-amd-svm.txt, auto, TYPE_PVH",
      "xl-info-4.14-hvm.txt, cpuinfo-intel-vmx.txt, pvh, TYPE_PVH",
      "xl-info-4.14-nohvm.txt, cpuinfo-amd-pv-dom0-real.txt, auto, TYPE_PV",
      // xl's answer outranks cpuinfo both ways
      "xl-info-4.14-nohvm.txt, cpuinfo-intel-vmx.txt, auto, TYPE_PV",
      "xl-info-4.17-hvm-real.txt, cpuinfo-amd-pv-dom0-real.txt, auto, TYPE_PVH",
      "xl-info-4.17-hvm-real.txt, cpuinfo-amd-pv-dom0-real.txt, pv, TYPE_PV",
      "xl-info-4.17-nohvm.txt, cpuinfo-amd-svm.txt, auto, TYPE_PV",
      "xl-info-4.17-hvm-only.txt, -, auto, TYPE_PVH",
      // no capabilities from xl: cpuinfo decides, PV assumed otherwise
      "xl-info-4.17-no-caps.txt, cpuinfo-intel-vmx.txt, auto, TYPE_PVH",
      "xl-info-4.17-no-caps.txt, cpuinfo-amd-svm.txt, auto, TYPE_PVH",
      "xl-info-4.17-no-caps.txt, cpuinfo-amd-pv-dom0-real.txt, auto, TYPE_PV",
      "xl-info-4.17-no-caps.txt, -, auto, TYPE_PV"})
  void choosesFromTheHost(String xlInfo, String cpuinfo, String request, GuestTypeRendering expected)
      throws HostException {
    GuestTypeDecision d = GuestTypeSelector.decide(Samples.host(xlInfo, cpuinfo), request(request));
    assertEquals(expected, d.rendering());
    assertEquals(expected.type(), d.type());
    assertTrue(d.describe().contains("Xen "), d.describe());
  }

  @ParameterizedTest(name = "{0} + {1}, {2} refused")
  @CsvSource(delimiter = '|', value = {
      "xl-info-4.9-nohvm.txt | cpuinfo-amd-pv-dom0-real.txt | pvh | PVH was requested (STAGE1_XEN_GUEST_TYPE=pvh) but this host cannot run HVM guests",
      "xl-info-4.14-nohvm.txt | cpuinfo-intel-vmx.txt | pvh | virt_caps: pv pv_directio",
      "xl-info-4.17-nohvm.txt | cpuinfo-amd-svm.txt | pvh | use pv or auto",
      "xl-info-4.17-hvm-only.txt | - | pv | PV was requested (STAGE1_XEN_GUEST_TYPE=pv) but this Xen cannot run PV guests",
      "xl-info-4.8.txt | cpuinfo-intel-vmx.txt | auto | Xen 4.8.5 is too old: stage1-xen needs Xen 4.9 or newer",
      "xl-info-4.8.txt | cpuinfo-intel-vmx.txt | pv | Xen 4.8.5 is too old"})
  void refusesWhatTheHostCannotDo(String xlInfo, String cpuinfo, String request, String message) {
    HostException e = assertThrows(HostException.class,
        () -> GuestTypeSelector.decide(Samples.host(xlInfo, cpuinfo), request(request)));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line");
  }

  @Test
  void hostWithNeitherPvNorHvmIsAnError() throws HostException {
    HostInfo host = XlInfoParser.parse(Samples.read("xl-info-4.17-hvm-real.txt")
        .replaceAll("virt_caps +: .*", "virt_caps : hap").replaceAll("xen_caps +: .*", "xen_caps : arm-1"),
        CpuFlags.UNKNOWN);
    HostException e = assertThrows(HostException.class, () -> GuestTypeSelector.decide(host, GuestTypeRequest.AUTO));
    assertTrue(e.getMessage().startsWith("this Xen can run neither PV nor HVM guests"), e.getMessage());
  }

  @Test
  void debugLineCarriesReasonAndFacts() throws HostException {
    GuestTypeDecision d = GuestTypeSelector.decide(
        Samples.host("xl-info-4.17-hvm-real.txt", "cpuinfo-amd-pv-dom0-real.txt"), GuestTypeRequest.AUTO);
    assertEquals("guest type PVH (TYPE_PVH): the host runs HVM guests (xl virt_caps has hvm) [Xen 4.17.7;"
        + " virt_caps: gnttab-v1 gnttab-v2 hap hvm pv; xen_caps: xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p"
        + " hvm-3.0-x86_64; cpuinfo: AuthenticAMD, neither vmx nor svm, running under a hypervisor;"
        + " request: no override]", d.describe());
  }

  @Test
  void xen49PvhReasonExplainsTheSpelling() throws HostException {
    GuestTypeDecision d = GuestTypeSelector.decide(
        Samples.host("xl-info-4.9-hvm.txt", "cpuinfo-intel-vmx.txt"), GuestTypeRequest.AUTO);
    assertTrue(d.reason().contains("builder=\"hvm\" device_model_version=\"none\""), d.reason());
  }

  @ParameterizedTest
  @CsvSource({"auto, ''", "pv, PV", "pvh, PVH", "' pvh ', PVH"})
  void parsesRequests(String value, String forced) {
    GuestTypeRequest r = GuestTypeRequest.parse(value, "host.conf guest-type");
    assertEquals(forced.isEmpty() ? null : GuestType.valueOf(forced), r.forced().orElse(null));
  }

  @Test
  void rejectsUnknownRequestNamingTheSource() {
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> GuestTypeRequest.parse("hvm", "annotation stage1-xen/guest-type"));
    assertEquals("annotation stage1-xen/guest-type has invalid value 'hvm': expected auto, pv or pvh", e.getMessage());
  }
}
