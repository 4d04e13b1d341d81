package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.xen.IsolatorReport.Disposition;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ResourcePlannerTest {
  private static final long MIB = 1 << 20;

  private static AppResourceRequest app(String name, long memBytes, long cpuMillis, String... isolators) {
    return new AppResourceRequest(name, memBytes < 0 ? OptionalLong.empty() : OptionalLong.of(memBytes),
        cpuMillis < 0 ? OptionalLong.empty() : OptionalLong.of(cpuMillis), List.of(isolators));
  }

  private static DomainResources plan(PodResourceRequest pod) {
    return ResourcePlanner.plan(pod, 1, ResourcePolicy.DEFAULTS, ResourceOverrides.NONE, Fixtures.host(8, 16384),
        Set.of());
  }

  /** memory limits in MiB (-1 none), pod limit (-1 none) -> domain MiB. */
  @ParameterizedTest(name = "apps {0}, pod {1} -> {2} MiB")
  @CsvSource({
      "'-1', -1, 112",          // one app, no isolator: 48 + 64
      "'-1 -1 -1', -1, 240",    // three default apps: 48 + 192
      "'512', -1, 560",         // --memory=512M
      "'8', -1, 64",            // 48 + 8 = 56, raised to the 64 floor
      "'512 256', 600, 648",    // pod limit caps the sum: 48 + 600
      "'100 100', 600, 248",    // pod limit above the sum changes nothing
      "'-1 100', 600, 648",     // an app without a limit may use the pod's budget
      "'', 300, 348",           // empty (mutable) pod: the pod limit is the budget
      "'', -1, 112"})           // empty pod without limits: one default app's budget, 48 + 64
  void memory(String apps, long podMib, long expected) {
    List<AppResourceRequest> list = new java.util.ArrayList<>();
    String[] words = apps.isBlank() ? new String[0] : apps.trim().split(" ");
    for (int i = 0; i < words.length; i++) {
      long mib = Long.parseLong(words[i]);
      list.add(app("app" + i, mib < 0 ? -1 : mib * MIB, -1));
    }
    PodResourceRequest pod = new PodResourceRequest(list, podMib < 0 ? OptionalLong.empty() : OptionalLong.of(
        podMib * MIB), OptionalLong.empty(), List.of());
    DomainResources r = plan(pod);
    assertEquals(expected, r.memoryMib());
    assertEquals(expected, r.maxmemMib());
  }

  @Test
  void decimalQuantitiesRoundUpToWholeMiB() {
    // rkt's --memory=128M is 128,000,000 bytes = 122.07 MiB
    assertEquals(48 + 123, plan(PodResourceRequest.of(List.of(app("a", 128_000_000, -1)))).memoryMib());
  }

  /** cpu limits in millicores (-1 none), pod limit, host CPUs -> vCPUs. */
  @ParameterizedTest(name = "apps {0}, pod {1}, host {2} -> {3}")
  @CsvSource({
      "'-1', -1, 8, 1",
      "'500', -1, 8, 1",
      "'500 600', -1, 8, 2",
      "'2000 1500', -1, 8, 4",
      "'2000 1500', -1, 2, 2",      // capped at the host's CPUs
      "'4000 4000', 3000, 8, 3",    // pod limit caps the sum
      "'-1 -1', 2500, 8, 3",        // unlimited apps get the pod limit, rounded up
      "'250 -1', -1, 8, 1",
      "'', -1, 8, 1"})
  void vcpus(String apps, long podMillis, int hostCpus, int expected) {
    List<AppResourceRequest> list = new java.util.ArrayList<>();
    String[] words = apps.isBlank() ? new String[0] : apps.trim().split(" ");
    for (int i = 0; i < words.length; i++) {
      list.add(app("app" + i, -1, Long.parseLong(words[i])));
    }
    PodResourceRequest pod = new PodResourceRequest(list, OptionalLong.empty(),
        podMillis < 0 ? OptionalLong.empty() : OptionalLong.of(podMillis), List.of());
    DomainResources r = ResourcePlanner.plan(pod, 1, ResourcePolicy.DEFAULTS, ResourceOverrides.NONE,
        Fixtures.host(hostCpus, 16384), Set.of());
    assertEquals(expected, r.vcpus());
  }

  @Test
  void hostConfPolicyChangesTheNumbers() {
    ResourcePolicy policy = new ResourcePolicy(120, 32, 256, 2, new PodLimits(4096, 3, 24, "host.conf"));
    PodResourceRequest pod = PodResourceRequest.of(List.of(app("a", -1, 2500), app("b", -1, -1)));
    DomainResources r = ResourcePlanner.plan(pod, 1, policy, ResourceOverrides.NONE, Fixtures.host(2, 16384), Set.of());
    assertEquals(256, r.memoryMib()); // 120 + 64 = 184 < 256
    assertEquals(2, r.vcpus());
    assertTrue(r.explanation().contains("vcpus: capped from 3 to 2 (the host's CPUs)"), r.explanation().toString());
    DomainResources d = ResourcePlanner.plan(PodResourceRequest.of(List.of(app("a", -1, -1))), 1, policy,
        ResourceOverrides.NONE, Fixtures.host(8, 16384), Set.of());
    assertEquals(2, d.vcpus());
  }

  @Test
  void explanationTellsHowTheSizeWasReached() {
    DomainResources r = plan(PodResourceRequest.of(List.of(app("web", 256 * MIB, 1500), app("db", -1, -1))));
    assertEquals(List.of(
        "app web: 256 MiB (its resource/memory limit)",
        "app db: 64 MiB (no limit; the default)",
        "memory = 48 MiB guest overhead + 320 MiB for the apps = 368 MiB",
        "vcpus: the apps' resource/cpu limits add up to 1500m, rounded up to 2"), r.explanation());
  }

  @Test
  void annotationsSetTheSizeOutright() {
    ResourceOverrides o = new ResourceOverrides(OptionalLong.of(1024), "annotation stage1-xen/memory-mib",
        OptionalInt.of(2), "annotation stage1-xen/vcpus");
    DomainResources r = ResourcePlanner.plan(PodResourceRequest.of(List.of(app("a", 64 * MIB, 500,
        "resource/memory", "resource/cpu"))), 1, ResourcePolicy.DEFAULTS, o, Fixtures.host(4, 4096), Set.of());
    assertEquals(1024, r.memoryMib());
    assertEquals(2, r.vcpus());
    assertEquals(Disposition.IGNORED, r.isolators().get(0).disposition());
    assertTrue(r.isolators().get(0).detail().contains("annotation stage1-xen/memory-mib fixed the domain's size"));
  }

  @Test
  void overridesOutsideTheHostsBoundsAreErrors() {
    PodResourceRequest pod = PodResourceRequest.of(List.of(app("a", -1, -1)));
    Stage1Failure low = assertThrows(Stage1Failure.class, () -> ResourcePlanner.plan(pod, 1,
        ResourcePolicy.DEFAULTS, new ResourceOverrides(OptionalLong.of(32), "annotation stage1-xen/memory-mib",
            OptionalInt.empty(), ""), Fixtures.host(4, 4096), Set.of()));
    assertEquals("annotation stage1-xen/memory-mib asks for 32 MiB, below the 64 MiB minimum a guest gets"
        + " (host.conf min-memory-mib)", low.getMessage());
    Stage1Failure cpus = assertThrows(Stage1Failure.class, () -> ResourcePlanner.plan(pod, 1,
        ResourcePolicy.DEFAULTS, new ResourceOverrides(OptionalLong.empty(), "", OptionalInt.of(5),
            "annotation stage1-xen/vcpus"), Fixtures.host(4, 4096), Set.of()));
    assertEquals("annotation stage1-xen/vcpus asks for 5 vCPUs; this host allows 1 to 4 (4 CPUs)",
        cpus.getMessage());
  }

  private static final String CONF = "/etc/rkt/stage1-xen/host.conf";

  /** A pod asking for more than host.conf's limits (max 1024 MiB, 4 vCPUs, 6 shares unless said) is refused. */
  static Stream<Arguments> overTheLimits() {
    ResourceOverrides none = ResourceOverrides.NONE;
    PodLimits limits = new PodLimits(1024, 4, 6, CONF);
    return Stream.of(
        Arguments.of("an app's memory limit", List.of(app("big", 2000 * MIB, -1)), -1L, -1L, none, 1, limits,
            "app big: isolator resource/memory limit of 2000 MiB: the pod's domain would need 2096 MiB, more than"
                + " the 1024 MiB a pod may have (raise max-memory-mib in " + CONF + ")"),
        Arguments.of("the biggest of two apps is named", List.of(app("small", 300 * MIB, -1),
            app("big", 700 * MIB, -1)), -1L, -1L, none, 1, limits,
            "app big: isolator resource/memory limit of 700 MiB: the pod's domain would need 1096 MiB, more than the"
                + " 1024 MiB a pod may have (raise max-memory-mib in " + CONF + ")"),
        Arguments.of("a limit given in bytes, rounded up", List.of(app("big", 400_000_000_000L, -1)), -1L, -1L,
            none, 1, limits, "app big: isolator resource/memory limit of 381470 MiB: the pod's domain would need"
                + " 381566 MiB, more than the 1024 MiB a pod may have (raise max-memory-mib in " + CONF + ")"),
        Arguments.of("the pod's memory limit", List.of(app("a", -1, -1)), 2000 * MIB, -1L, none, 1, limits,
            "the pod's resource/memory limit of 2000 MiB: the pod's domain would need 2096 MiB, more than the 1024"
                + " MiB a pod may have (raise max-memory-mib in " + CONF + ")"),
        Arguments.of("many apps without a limit", IntStream.range(0, 15).mapToObj(i -> app("a" + i, -1, -1))
            .toList(), -1L, -1L, none, 1,
            new PodLimits(1024, 4, 64, CONF), "the pod's 15 apps (64 MiB for each without a resource/memory limit):"
                + " the pod's domain would need 1056 MiB, more than the 1024 MiB a pod may have (raise max-memory-mib"
                + " in " + CONF + ")"),
        Arguments.of("the memory annotation", List.of(app("a", -1, -1)), -1L, -1L,
            new ResourceOverrides(OptionalLong.of(2048), "annotation stage1-xen/memory-mib", OptionalInt.empty(),
                ""), 1, limits, "annotation stage1-xen/memory-mib asks for 2048 MiB, more than the 1024 MiB a pod"
                + " may have (raise max-memory-mib in " + CONF + ")"),
        Arguments.of("an app's cpu limit", List.of(app("small", -1, 500), app("big", -1, 4600)), -1L, -1L, none, 1,
            limits, "app big: isolator resource/cpu limit of 4600m: the pod would need 6 vCPUs, more than the 4 a"
                + " pod may have (raise max-vcpus in " + CONF + ")"),
        Arguments.of("the pod's cpu limit", List.of(app("a", -1, -1)), -1L, 7000L, none, 1, limits,
            "the pod's resource/cpu limit of 7000m: the pod would need 7 vCPUs, more than the 4 a pod may have"
                + " (raise max-vcpus in " + CONF + ")"),
        Arguments.of("the vcpus annotation", List.of(app("a", -1, -1)), -1L, -1L,
            new ResourceOverrides(OptionalLong.empty(), "", OptionalInt.of(5), "annotation stage1-xen/vcpus"), 1,
            limits, "annotation stage1-xen/vcpus asks for 5 vCPUs, more than the 4 a pod may have (raise max-vcpus"
                + " in " + CONF + ")"),
        Arguments.of("an app's volumes", List.of(app("a", -1, -1), new AppResourceRequest("vols", OptionalLong.empty(),
            OptionalLong.empty(), List.of(), 6)), -1L, -1L, none, 7, limits, "app vols: its mounts and mountPoints"
                + " bring 5 volume shares besides its root filesystem's: the pod would need 7 9p shares, more than the"
                + " 6 a pod may have (raise max-shares in " + CONF + ")"),
        Arguments.of("many apps", IntStream.range(0, 7).mapToObj(i -> app("a" + i, -1, -1)).toList(), -1L, -1L, none, 7,
            limits, "the pod's 7 apps and their volumes: the pod would need 7 9p shares, more than the 6 a pod may"
                + " have (raise max-shares in " + CONF + ")"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overTheLimits")
  void moreThanTheLimitsIsRefusedNamingWhoAskedAndWhereToRaiseIt(String what, List<AppResourceRequest> apps,
      long podMemory, long podCpu, ResourceOverrides overrides, int shares, PodLimits limits, String message) {
    PodResourceRequest pod = new PodResourceRequest(apps, podMemory < 0 ? OptionalLong.empty()
        : OptionalLong.of(podMemory), podCpu < 0 ? OptionalLong.empty() : OptionalLong.of(podCpu), List.of());
    ResourcePolicy policy = new ResourcePolicy(96, 64, 128, 1, limits);

    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> ResourcePlanner.plan(pod, shares, policy, overrides, Fixtures.host(8, 1 << 20), Set.of()));

    assertEquals(message, e.getMessage());
  }

  /** memory MiB of the one app, its cpu millicores, shares -> exactly at each limit is allowed. */
  @ParameterizedTest(name = "app {0} MiB, {1}m, {2} shares")
  @CsvSource({"928, -1, 1", "-1, 4000, 1", "-1, -1, 6", "-1, -1, 1"})
  void exactlyTheLimitsIsAllowed(long appMib, long cpu, int shares) {
    PodResourceRequest pod = PodResourceRequest.of(List.of(new AppResourceRequest("a", appMib < 0
        ? OptionalLong.empty() : OptionalLong.of(appMib * MIB), cpu < 0 ? OptionalLong.empty() : OptionalLong.of(cpu),
        List.of(), shares)));
    ResourcePolicy policy = new ResourcePolicy(96, 64, 128, 1, new PodLimits(1024, 4, 6, CONF));

    DomainResources r = ResourcePlanner.plan(pod, shares, policy, ResourceOverrides.NONE, Fixtures.host(8, 1 << 20),
        Set.of());

    assertTrue(r.memoryMib() <= 1024 && r.vcpus() <= 4, r.toString());
    if (appMib > 0) {
      assertEquals(1024, r.memoryMib(), "96 MiB overhead and the app's 928");
    }
    if (cpu > 0) {
      assertEquals(4, r.vcpus());
    }
  }

  @Test
  void theDefaultLimitsLetADefaultPodRunAndStopAnImageAskingForTheHost() {
    assertEquals(new PodLimits(4096, 8, 24, "host.conf"), ResourcePolicy.DEFAULTS.limits());
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> ResourcePlanner.plan(PodResourceRequest.of(List.of(app("greedy", 64L << 30, -1))), 1,
            ResourcePolicy.DEFAULTS, ResourceOverrides.NONE, Fixtures.host(8, 1 << 20), Set.of()));
    assertTrue(e.getMessage().startsWith("app greedy: isolator resource/memory limit of 65536 MiB"), e.getMessage());
  }

  @Test
  void moreMemoryThanXenHasFreeIsAClearError() {
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> ResourcePlanner.plan(PodResourceRequest.of(List.of(app("big", 2048 * MIB, -1))), 1,
            ResourcePolicy.DEFAULTS, ResourceOverrides.NONE, Fixtures.host(2, 1000), Set.of()));
    assertEquals("the pod's domain needs 2096 MiB but Xen has only 1000 MiB free (xl info free_memory)",
        e.getMessage());
  }

  @Test
  void everyIsolatorIsReported() {
    PodResourceRequest pod = new PodResourceRequest(List.of(
        app("web", 128 * MIB, 500, "resource/memory", "resource/cpu", "os/linux/capabilities-retain-set",
            "os/linux/cpu-shares", "os/linux/no-new-privileges", "resource/network-bandwidth", "example.com/x")),
        OptionalLong.empty(), OptionalLong.empty(), List.of("os/unix/sysctl"));
    DomainResources r = ResourcePlanner.plan(pod, 1, ResourcePolicy.DEFAULTS, ResourceOverrides.NONE,
        Fixtures.host(2, 4096), Set.of("os/linux/no-new-privileges"));
    assertEquals(List.of(
        "isolator os/unix/sysctl of pod: ignored (not enforced inside the VM; the VM is the pod's isolation boundary)",
        "isolator resource/memory of app web: sized the domain (the apps share the domain's memory; no per-app limit"
            + " inside the VM)",
        "isolator resource/cpu of app web: sized the domain (the apps share the domain's vCPUs; no per-app limit"
            + " inside the VM)",
        "isolator os/linux/capabilities-retain-set of app web: ignored (not enforced inside the VM; the VM is the"
            + " pod's isolation boundary)",
        "isolator os/linux/cpu-shares of app web: ignored (not enforced inside the VM; the VM is the pod's isolation"
            + " boundary)",
        "isolator os/linux/no-new-privileges of app web: applied inside the guest",
        "isolator resource/network-bandwidth of app web: ignored (stage1-xen does not limit a domain's disk or"
            + " network rate)",
        "isolator example.com/x of app web: ignored (unknown isolator)"),
        r.isolators().stream().map(IsolatorReport::describe).toList());
  }

  @Test
  void requestsAreValidated() {
    assertThrows(Stage1Failure.class, () -> app("a", 0, -1));
    assertThrows(Stage1Failure.class, () -> app("a", -1, 0));
    Stage1Failure dup = assertThrows(Stage1Failure.class,
        () -> PodResourceRequest.of(List.of(app("a", -1, -1), app("a", -1, -1))));
    assertEquals("app 'a' appears twice", dup.getMessage());
  }

  @Test
  void everyFurtherShareAddsTheFrontEndsRingMemory() {
    PodResourceRequest pod = PodResourceRequest.of(List.of(app("a", -1, -1), app("b", -1, -1)));
    DomainResources one = ResourcePlanner.plan(pod, 1, ResourcePolicy.DEFAULTS, ResourceOverrides.NONE,
        Fixtures.host(8, 16384), Set.of());
    DomainResources four = ResourcePlanner.plan(pod, 4, ResourcePolicy.DEFAULTS, ResourceOverrides.NONE,
        Fixtures.host(8, 16384), Set.of());
    assertEquals(48 + 2 * 64, one.memoryMib());
    assertEquals(48 + 3 * ResourcePolicy.SHARE_MIB + 2 * 64, four.memoryMib());
    assertTrue(four.explanation().stream().anyMatch(l -> l.contains("per 9p share after the first, 4 shares")),
        four.explanation().toString());
  }
}
