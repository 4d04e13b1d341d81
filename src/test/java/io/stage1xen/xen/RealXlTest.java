package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.host.HostInfo;
import io.stage1xen.host.HostProbe;
import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.SystemProcessRunner;
import io.stage1xen.testing.PlainJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the real xl, in a Xen dom0 as root. The guest kernel and initrd come from STAGE1_XEN_TEST_KERNEL and
 * STAGE1_XEN_TEST_INITRD; the initrd's init must print and power off (a busybox script is enough), and mount the
 * 9p tag given as {@code xh9p=TAG} on its command line and write {@code from-guest.txt} into it, when it can.
 */
@Tag("xen")
class RealXlTest {
  @TempDir Path tmp;
  SystemProcessRunner runner;
  Path kernel;
  Path initrd;

  @BeforeEach
  void dom0Only() {
    assumeTrue(Files.isDirectory(Path.of("/proc/xen")), "not a Xen dom0");
    String k = System.getenv("STAGE1_XEN_TEST_KERNEL");
    String i = System.getenv("STAGE1_XEN_TEST_INITRD");
    assumeTrue(k != null && i != null, "STAGE1_XEN_TEST_KERNEL/INITRD not set");
    kernel = Path.of(k);
    initrd = Path.of(i);
    runner = new SystemProcessRunner(System.getenv());
  }

  private Object dryRun(String text) throws Exception {
    Path cfg = tmp.resolve("dry-" + System.nanoTime() + ".cfg");
    Files.writeString(cfg, text, StandardCharsets.UTF_8);
    ExecResult r = runner.run(Command.of(Duration.ofSeconds(60), "xl", "create", "-n", cfg.toString()));
    assertEquals(0, r.exitCode(), () -> text + "\n" + r.stderr());
    return PlainJson.read(r.stdout(), "xl create -n");
  }

  @Test
  void theOneQuotingMethodSurvivesTheRealLexer() throws Exception {
    List<String> accepted = new ArrayList<>();
    for (String h : HostileStringsTest.hostile()) {
      if (HostileStringsTest.quotable(h) && h.length() < 5000) {
        accepted.add(h);
      }
      if (accepted.size() == 150) {
        break;
      }
    }
    accepted.add("x".repeat(100_000));
    for (String h : accepted) {
      String text = "name = \"s1x-dry\"\ntype = \"pv\"\nkernel = " + XlSyntax.quote("kernel", kernel.toString())
          + "\nmemory = 128\ncmdline = " + XlSyntax.quote("cmdline", h) + "\n";
      Object cfg = dryRun(text);
      assertEquals(h, PlainJson.path(cfg, "b_info", "cmdline"), () -> "for '" + XlSyntax.show(h) + "'");
    }
  }

  @Test
  void specValuesSurviveTheRealDeviceParsers() throws Exception {
    List<String> paths = new ArrayList<>();
    for (String h : HostileStringsTest.hostile()) {
      String p = "/srv/" + h;
      if (HostileStringsTest.specable(p) && !p.contains("//") && !p.endsWith("/")) {
        paths.add(p);
      }
      if (paths.size() == 100) {
        break;
      }
    }
    for (String p : paths) {
      Path path;
      try {
        path = Path.of(p);
      } catch (java.nio.file.InvalidPathException e) {
        continue; // this JVM's file-name encoding (the locale's) cannot hold it; run under a UTF-8 locale
      }
      DomainConfig c = new DomainConfig("s1x-dry", io.stage1xen.host.GuestTypeRendering.TYPE_PV, kernel,
          Optional.of(initrd), "console=hvc0", 128, 128, 1, List.of(new P9Share("vol0", path, P9SecurityModel.MAPPED_XATTR)), List.of(),
          Channel.forControl(Path.of("/run/s1x-dry")), List.of());
      Object cfg = dryRun(XlConfigRenderer.render(c));
      Object p9 = ((List<?>) PlainJson.path(cfg, "p9s")).get(0);
      assertEquals(Map.of("tag", "vol0", "security_model", "mapped-xattr", "path", p), p9, () -> "for " + p);
      Object ctl = ((List<?>) PlainJson.path(cfg, "channels")).get(1);
      assertEquals("/run/s1x-dry/ctl.sock", PlainJson.path(ctl, "connection.socket", "path"));
    }
  }

  @Test
  void everyGoldenParses() throws Exception {
    for (String golden : List.of("pv-single-app.cfg", "pvh-several-apps.cfg", "volumes.cfg", "networks.cfg",
        "operator-extra-keys.cfg")) {
      String text = Fixtures.resource("/xl/" + golden)
          .replaceAll("(?m)^kernel = .*$", "kernel = " + XlSyntax.quote("k", kernel.toString()))
          .replaceAll("(?m)^ramdisk = .*$", "ramdisk = " + XlSyntax.quote("r", initrd.toString()));
      Object cfg = dryRun(text);
      assertEquals("rkt-" + Fixtures.UUID, PlainJson.path(cfg, "c_info", "name"), golden);
      assertEquals(golden.startsWith("pvh") || golden.equals("volumes.cfg") || golden.equals("networks.cfg")
          ? "pvh" : "pv", PlainJson.path(cfg, "c_info", "type"), golden);
      int shares = text.split("security_model=", -1).length - 1;
      assertEquals(shares, ((List<?>) PlainJson.path(cfg, "p9s")).size(), golden);
      assertEquals("stage1-xen-ctl", PlainJson.path(((List<?>) PlainJson.path(cfg, "channels")).get(1), "name"));
      if (golden.equals("operator-extra-keys.cfg")) {
        assertEquals(512, PlainJson.path(cfg, "b_info", "sched_params", "weight"), golden);
      }
      if (golden.equals("networks.cfg")) {
        assertEquals("00:16:3e:5f:2a:01", PlainJson.path(((List<?>) PlainJson.path(cfg, "nics")).get(0), "mac"));
      }
    }
  }

  @Test
  void createsAPlannedDomainThatSharesAndGoesAway() throws Exception {
    HostInfo host = new HostProbe(runner, Path.of("/"), Duration.ofSeconds(30)).probe();
    Path share = Files.createDirectories(tmp.resolve("share"));
    Files.writeString(share.resolve("hello.txt"), "hello from dom0\n");
    Path xenDir = Files.createDirectories(tmp.resolve("xen"));
    String uuid = "0badc0de-0000-4000-8000-" + String.format("%012x", System.currentTimeMillis());
    DomainRequest request = new DomainRequest(PodUuid.of(uuid), xenDir, "console=hvc0 xh9p=app0",
        List.of(new P9Share("app0", share, P9SecurityModel.MAPPED_FILE)), List.of(), PodResourceRequest.of(List.of(new AppResourceRequest("a",
            OptionalLong.empty(), OptionalLong.empty(), List.of()))), Set.of());
    OperatorSettings settings = OperatorSettings.resolve(HostConfig.defaults("none"), Map.of(), System.getenv(),
        kernel, Optional.of(initrd));
    DomainPlan plan = DomainPlanner.plan(request, settings, host);
    plan.debugLines().forEach(System.out::println);
    Path cfg = xenDir.resolve("domain.cfg");
    XlConfigFile.write(cfg, plan.config());

    CliXl xl = new CliXl(runner, Duration.ofSeconds(120));
    String name = plan.config().name();
    long start = System.nanoTime();
    xl.create(cfg, name, xenDir.resolve("xl-create.log"), false);
    System.out.printf("xl create returned after %.2f s%n", (System.nanoTime() - start) / 1e9);
    assertTrue(xl.list().stream().anyMatch(d -> d.name().equals(name)), "listed");
    assertTrue(Files.exists(xenDir.resolve("ctl.sock")), "QEMU created the control socket");
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (xl.domid(name).isPresent() && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    System.out.printf("domain gone after %.2f s%n", (System.nanoTime() - start) / 1e9);
    assertTrue(xl.domid(name).isEmpty(), "the guest powered itself off");
    assertEquals(DomainOutcome.NOT_FOUND, xl.destroy(name));
    assertEquals(DomainOutcome.NOT_FOUND, xl.shutdown(name, true, Duration.ofSeconds(30)));
    assertEquals("written by guest\n", Files.readString(share.resolve("from-guest.txt")));
  }
}
