package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.outcome.Stage1Failure;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class XlKeyPolicyTest {

  @ParameterizedTest
  @ValueSource(strings = {"cpu_weight", "cpu_cap", "cpus", "cpus_soft", "cpupool", "maxvcpus", "max_grant_frames",
      "tsc_mode", "nomigrate"})
  void harmlessKeysAreAccepted(String key) {
    assertDoesNotThrow(() -> XlKeyPolicy.check(key, Set.of(), "src"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "memory|use the annotation stage1-xen/memory-mib",
      "vcpus|use the annotation stage1-xen/vcpus",
      "kernel|use the annotation stage1-xen/kernel",
      "type|stage1-xen/guest-type",
      "builder|stage1-xen/guest-type",
      "name|written by stage1-xen itself and cannot be set",
      "channel|written by stage1-xen itself",
      "on_reboot|written by stage1-xen itself"})
  void ownedKeysAreRefusedEvenWhenAllowed(String key, String message) {
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> XlKeyPolicy.check(key, Set.of(key), "annotation stage1-xen/xl-config line 1"));
    assertTrue(e.getMessage().startsWith("annotation stage1-xen/xl-config line 1: key '" + key + "' is written by"),
        e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "pci|hands the domain host PCI devices",
      "iomem|hands the domain host memory ranges",
      "ioports|hands the domain host I/O ports",
      "irqs|hands the domain host interrupts",
      "disk|gives the domain host block devices",
      "device_model_override|replaces or changes the device model",
      "device_model_args_pv|replaces or changes the device model",
      "stubdomain_kernel|replaces or changes the device model",
      "bootloader|runs a program in dom0",
      "usbdevice|hands the domain host devices",
      "vnc|adds a display",
      "seclabel|XSM security label",
      "on_watchdog|is not on stage1-xen's list of harmless xl keys"})
  void otherKeysNeedTheHostsPermission(String key, String why) {
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> XlKeyPolicy.check(key, Set.of(), "host.conf:4 extra"));
    assertEquals("host.conf:4 extra: key '" + key + "' " + e.getMessage().substring(("host.conf:4 extra: key '" + key
        + "' ").length()), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertTrue(e.getMessage().endsWith("refused unless host.conf allows it with 'allow-key = " + key + "'"),
        e.getMessage());
    assertDoesNotThrow(() -> XlKeyPolicy.check(key, Set.of(key), "host.conf:4 extra"));
  }
}
