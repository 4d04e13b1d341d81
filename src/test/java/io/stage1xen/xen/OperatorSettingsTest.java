package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.host.GuestType;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
  private static final Path DEFAULT_KERNEL = Path.of("/stage1/kernel");
  private static final Optional<Path> DEFAULT_INITRD = Optional.of(Path.of("/stage1/initrd"));
  private static final HostConfig HOST = HostConfig.parse(String.join("\n",
      "guest-type = pvh", "kernel = /host/kernel", "extra = cpu_weight = 128", "extra = cpus = \"0-1\"",
      "allow-key = on_watchdog"), "host.conf");

  private static OperatorSettings resolve(HostConfig host, Map<String, String> annotations, Map<String, String> env) {
    return OperatorSettings.resolve(host, annotations, env, DEFAULT_KERNEL, DEFAULT_INITRD);
  }

  @Test
  void defaultsWithoutAnySetting() {
    OperatorSettings s = resolve(HostConfig.defaults("none"), Map.of(), Map.of());
    assertTrue(s.guestType().forced().isEmpty());
    assertEquals(DEFAULT_KERNEL, s.kernel());
    assertEquals(DEFAULT_INITRD, s.initrd());
    assertEquals(ResourceOverrides.NONE.memoryMib(), s.overrides().memoryMib());
    assertEquals(List.of(), s.extra());
  }

  @Test
  void guestTypePrecedenceIsEnvThenAnnotationThenHostConf() {
    assertEquals("host.conf guest-type=pvh", resolve(HOST, Map.of(), Map.of()).guestType().source());
    OperatorSettings annotated = resolve(HOST, Map.of(PodAnnotations.GUEST_TYPE, "pv"), Map.of());
    assertEquals(Optional.of(GuestType.PV), annotated.guestType().forced());
    assertEquals("annotation stage1-xen/guest-type=pv", annotated.guestType().source());
    OperatorSettings env = resolve(HOST, Map.of(PodAnnotations.GUEST_TYPE, "pv"),
        Map.of(OperatorSettings.GUEST_TYPE_ENV, "auto"));
    assertTrue(env.guestType().forced().isEmpty());
    assertEquals("environment variable STAGE1_XEN_GUEST_TYPE=auto", env.guestType().source());
    assertEquals(Optional.of(GuestType.PV), resolve(HOST, Map.of(PodAnnotations.GUEST_TYPE, "pv"),
        Map.of(OperatorSettings.GUEST_TYPE_ENV, "")).guestType().forced());
  }

  @Test
  void kernelPrecedenceIsAnnotationThenHostConfThenStage1() {
    assertEquals(Path.of("/host/kernel"), resolve(HOST, Map.of(), Map.of()).kernel());
    assertEquals(Path.of("/pod/kernel"), resolve(HOST, Map.of(PodAnnotations.KERNEL, "/pod/kernel"), Map.of())
        .kernel());
    assertEquals(Optional.of(Path.of("/pod/initrd")), resolve(HOST, Map.of(PodAnnotations.INITRD, "/pod/initrd"),
        Map.of()).initrd());
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> resolve(HOST, Map.of(PodAnnotations.KERNEL, "vmlinuz"), Map.of()));
    assertEquals("annotation stage1-xen/kernel: 'vmlinuz' is not an absolute path", e.getMessage());
  }

  @Test
  void sizesFromAnnotations() {
    OperatorSettings s = resolve(HOST, Map.of(PodAnnotations.MEMORY_MIB, "512", PodAnnotations.VCPUS, " 2 "),
        Map.of());
    assertEquals(OptionalLong.of(512), s.overrides().memoryMib());
    assertEquals(OptionalInt.of(2), s.overrides().vcpus());
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> resolve(HOST, Map.of(PodAnnotations.MEMORY_MIB, "512M"), Map.of()));
    assertEquals("annotation stage1-xen/memory-mib: '512M' is not a whole number", e.getMessage());
  }

  @Test
  void podXlConfigAddsToAndOverridesHostKeys() {
    OperatorSettings s = resolve(HOST, Map.of(PodAnnotations.XL_CONFIG,
        "# pin this pod\ncpus = \"4-5\"\n\nmaxvcpus = 4\non_watchdog = \"destroy\"\n"), Map.of());
    assertEquals(List.of("cpu_weight = 128", "cpus = \"4-5\"", "maxvcpus = 4", "on_watchdog = \"destroy\""),
        s.extra().stream().map(XlSetting::render).toList());
    assertEquals("annotation stage1-xen/xl-config line 2", s.extra().get(1).source());
  }

  @Test
  void podXlConfigCannotUnlockDangerousKeys() {
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> resolve(HOST,
        Map.of(PodAnnotations.XL_CONFIG, "cpus = \"1\"\niomem = [ \"fe000,1\" ]"), Map.of()));
    assertEquals("annotation stage1-xen/xl-config line 2: key 'iomem' hands the domain host memory ranges; it is"
        + " refused unless host.conf allows it with 'allow-key = iomem'", e.getMessage());
    Stage1Failure injected = assertThrows(Stage1Failure.class, () -> resolve(HOST,
        Map.of(PodAnnotations.XL_CONFIG, "cpus = \"1\"\nname = \"other\""), Map.of()));
    assertTrue(injected.getMessage().contains("key 'name' is written by stage1-xen itself"), injected.getMessage());
  }

  @Test
  void annotationsMergeAcrossPodAndApps() {
    Map<String, String> merged = PodAnnotations.merge(
        Map.of(PodAnnotations.MEMORY_MIB, "512", "coreos.com/rkt/stage1/mutable", "false"),
        Map.of("web", Map.of(PodAnnotations.MEMORY_MIB, "512", PodAnnotations.VCPUS, "2", "example.com/pa", "1"),
            "db", Map.of(PodAnnotations.GUEST_TYPE, "pv")));
    assertEquals(Map.of(PodAnnotations.MEMORY_MIB, "512", PodAnnotations.VCPUS, "2", PodAnnotations.GUEST_TYPE, "pv"),
        merged);
  }

  @Test
  void conflictingOrUnknownAnnotationsAreErrors() {
    Stage1Failure conflict = assertThrows(Stage1Failure.class, () -> PodAnnotations.merge(
        Map.of(PodAnnotations.VCPUS, "1"), Map.of("web", Map.of(PodAnnotations.VCPUS, "2"))));
    assertEquals("annotation stage1-xen/vcpus is '1' on the pod but '2' on app web; the pod has one domain, so they"
        + " must agree", conflict.getMessage());
    Stage1Failure unknown = assertThrows(Stage1Failure.class, () -> PodAnnotations.merge(
        Map.of(), Map.of("web", Map.of("stage1-xen/memory", "512"))));
    assertTrue(unknown.getMessage().startsWith("annotation stage1-xen/memory on app web is not a stage1-xen setting"),
        unknown.getMessage());
  }
}
