package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.host.GuestTypeRendering;
import io.stage1xen.host.HostException;
import io.stage1xen.outcome.Stage1Failure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainPlannerTest {
  @TempDir Path pod;
  Path kernel;
  Path initrd;

  @BeforeEach
  void guestFiles() throws IOException {
    Path guest = Files.createDirectories(pod.resolve("stage1/rootfs/stage1-xen/guest"));
    kernel = Files.writeString(guest.resolve("kernel"), "k");
    initrd = Files.writeString(guest.resolve("initrd"), "i");
  }

  private DomainRequest request(List<AppResourceRequest> apps) {
    return new DomainRequest(Fixtures.POD_UUID, pod.resolve("xen"), Fixtures.CMDLINE,
        List.of(new P9Share("app0", pod.resolve("xen/volumes/app0"), P9SecurityModel.MAPPED_XATTR)), List.of(),
        PodResourceRequest.of(apps), Set.of());
  }

  private OperatorSettings settings(Map<String, String> annotations, Map<String, String> env) {
    return OperatorSettings.resolve(HostConfig.defaults("none"), annotations, env, kernel, Optional.of(initrd));
  }

  @Test
  void plansAPvhDomainOnTheMeasuredHost() throws Exception {
    DomainPlan plan = DomainPlanner.plan(request(List.of(new AppResourceRequest("web", OptionalLong.of(256L << 20),
        OptionalLong.of(500), List.of("resource/memory", "resource/cpu")))), settings(Map.of(), Map.of()),
        Fixtures.XEN_417);
    DomainConfig c = plan.config();
    assertEquals("rkt-" + Fixtures.UUID, c.name());
    assertEquals(GuestTypeRendering.TYPE_PVH, c.guestType());
    assertEquals(48 + 256, c.memoryMib());
    assertEquals(1, c.vcpus());
    assertEquals(kernel, c.kernel());
    assertEquals(pod.resolve("xen/ctl.sock"), c.channels().get(1).socket());
    assertTrue(plan.debugLines().get(0).startsWith("guest type PVH (TYPE_PVH)"), plan.debugLines().toString());
    assertTrue(plan.debugLines().contains("domain rkt-" + Fixtures.UUID + ": 304 MiB, 1 vCPU(s), kernel " + kernel
        + ", initrd " + initrd + ", 1 p9 share(s), 0 vif(s), 0 operator xl key(s)"), plan.debugLines().toString());
    assertEquals(2, plan.isolatorLines().size());
  }

  @Test
  void theEnvironmentForcesPv() throws Exception {
    DomainPlan plan = DomainPlanner.plan(request(List.of()), settings(Map.of(),
        Map.of(OperatorSettings.GUEST_TYPE_ENV, "pv")), Fixtures.XEN_417);
    assertEquals(GuestTypeRendering.TYPE_PV, plan.config().guestType());
    assertTrue(plan.guestType().reason().contains("environment variable STAGE1_XEN_GUEST_TYPE=pv"));
  }

  @Test
  void missingKernelNamesThePath() {
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> DomainPlanner.plan(
        request(List.of()), settings(Map.of(PodAnnotations.KERNEL, "/nonexistent/vmlinuz"), Map.of()),
        Fixtures.XEN_417));
    assertEquals("guest kernel /nonexistent/vmlinuz does not exist or is not a file", e.getMessage());
  }

  @Test
  void pvhOnAHostWithoutHvmIsRefused() {
    var noHvm = new io.stage1xen.host.HostInfo(Fixtures.XEN_417.xenVersion(), Set.of("pv"), List.of("xen-3.0-x86_64"),
        2, java.util.OptionalLong.of(4000), 6000, Fixtures.XEN_417.cpu());
    HostException e = assertThrows(HostException.class, () -> DomainPlanner.plan(request(List.of()),
        settings(Map.of(PodAnnotations.GUEST_TYPE, "pvh"), Map.of()), noHvm));
    assertTrue(e.getMessage().startsWith("PVH was requested (annotation stage1-xen/guest-type=pvh) but this host"
        + " cannot run HVM guests"), e.getMessage());
  }

  /** Regression (fault injection, disk full): the failed write named no file. /dev/full fails every write. */
  @Test
  void aFullDiskIsReportedWithTheConfigsPath() throws Exception {
    Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full");
    DomainPlan plan = DomainPlanner.plan(request(List.of()), settings(Map.of(), Map.of()), Fixtures.XEN_417);
    Path file = Files.createDirectories(pod.resolve("xen")).resolve("domain.cfg");
    Files.createSymbolicLink(pod.resolve("xen/.domain.cfg.tmp"), Path.of("/dev/full"));

    java.io.IOException e = assertThrows(java.io.IOException.class, () -> XlConfigFile.write(file, plan.config()));

    assertEquals("cannot write " + file + ": No space left on device", e.getMessage());
    assertTrue(!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertTrue(!Files.exists(pod.resolve("xen/.domain.cfg.tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void writtenConfigIsTheRenderedOne() throws Exception {
    DomainPlan plan = DomainPlanner.plan(request(List.of()), settings(Map.of(), Map.of()), Fixtures.XEN_417);
    Path file = Files.createDirectories(pod.resolve("xen")).resolve("domain.cfg");
    String text = XlConfigFile.write(file, plan.config());
    assertEquals(XlConfigRenderer.render(plan.config()), Files.readString(file));
    assertEquals(text, Files.readString(file));
    assertTrue(!Files.exists(pod.resolve("xen/.domain.cfg.tmp")));
    assertThrows(IllegalArgumentException.class, () -> XlConfigFile.write(Path.of("domain.cfg"), plan.config()));
  }
}
