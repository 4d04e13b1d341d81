package io.stage1xen.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuFlagsTest {

  @ParameterizedTest
  @CsvSource({
      "cpuinfo-intel-vmx.txt, GenuineIntel, true, false",
      "cpuinfo-amd-svm.txt, AuthenticAMD, false, true",
      // measured: a PV dom0 on a CPU with SVM does not see svm
      "cpuinfo-amd-pv-dom0-real.txt, AuthenticAMD, false, false"})
  void readsVendorAndVirtualizationFlags(String file, String vendor, boolean vmx, boolean svm) {
    CpuFlags cpu = CpuFlags.parse(Samples.read(file));
    assertEquals(vendor, cpu.vendor());
    assertEquals(vmx, cpu.vmx());
    assertEquals(svm, cpu.svm());
    assertEquals(vmx || svm, cpu.hardwareVirtualization());
  }

  @Test
  void theVmxFlagsLineIsNotTheFlagsLine() {
    CpuFlags cpu = CpuFlags.parse("vendor_id\t: GenuineIntel\nvmx flags\t: vnmi ept\nflags\t\t: fpu sse\n");
    assertFalse(cpu.vmx());
    assertTrue(cpu.flags().contains("sse"));
  }

  @Test
  void describesWhatWasSeen() {
    assertEquals("cpuinfo: AuthenticAMD, neither vmx nor svm, running under a hypervisor",
        CpuFlags.parse(Samples.read("cpuinfo-amd-pv-dom0-real.txt")).describe());
    assertEquals("cpuinfo: GenuineIntel, vmx", CpuFlags.parse(Samples.read("cpuinfo-intel-vmx.txt")).describe());
    assertEquals("cpuinfo: no x86 flags read", CpuFlags.parse("processor : 0\nFeatures : fp asimd\n").describe());
  }
}
