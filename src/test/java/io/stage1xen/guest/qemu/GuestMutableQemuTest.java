package io.stage1xen.guest.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.guest.AppPlan;
import io.stage1xen.guest.ControlChannel;
import io.stage1xen.guest.ControlChannel.Listener.PoweroffReason;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.guest.SharePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mutable pod in the real guest under QEMU (docs/MUTABLE.md): it boots without apps, and apps added to it through
 * APP_START run in their roots under the share of added apps, stop on APP_STOP, are freed by APP_RM, and never end
 * the pod. One boot for all of it: every software-emulated boot costs seconds.
 */
@Tag("qemu")
class GuestMutableQemuTest {
  static final Duration WAIT = GuestQemuTest.WAIT;
  static final int HELLO = ControlChannel.FIRST_ADDED_SESSION;
  static final int FAILING = HELLO + 1;
  static final int TWICE = HELLO + 2;
  static final int MISSING = HELLO + 3;
  static GuestArtifacts guest;
  @TempDir Path tmp;

  @BeforeAll
  static void artefacts() {
    guest = GuestArtifacts.fromSystemProperties();
  }

  static AppPlan app(String name, List<String> exec) {
    return AppPlan.builder(name, "/s1x/share/stage2/" + name, exec)
        .environment(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "AC_APP_NAME=" + name, "container=rkt"))
        .build();
  }

  @Test
  void addedAppsStartStopAndGoWhileThePodStaysUp() throws Exception {
    Path stage2 = Files.createDirectories(tmp.resolve("stage2"));
    TestRootfs.make(stage2.resolve("hello"));
    TestRootfs.make(stage2.resolve("failing"));
    Path stage2vol = Files.createDirectories(tmp.resolve("stage2vol"));
    Path data = Files.createDirectories(stage2vol.resolve("hello/vol0"));
    Files.writeString(data.resolve("in.txt"), "from dom0\n");
    PodPlan sandbox = new PodPlan("sandbox", null, null, false, Duration.ofSeconds(5), true,
        List.of(new SharePlan("stage2", "/s1x/share/stage2", false),
            new SharePlan("stage2vol", "/s1x/share/stage2vol", false)), List.of());
    try (QemuGuest vm = new QemuGuest(guest, tmp.resolve("vm"), 256,
        List.of(new QemuGuest.Export("stage2", stage2, false),
            new QemuGuest.Export("stage2vol", stage2vol, false, "mapped-file")), false, List.of(), List.of())) {
      RecordingEvents ev = vm.events;
      vm.start(sandbox);
      assertTrue(ev.awaitReady(QemuGuest.BOOT_TIMEOUT), "a sandbox is ready without apps\n" + vm.diagnostics());

      // an added app runs in its own root, with the environment it was given; the pod keeps it
      // with its volume (a MOUNT from its slot in the stage2vol share) read and written through to the host
      vm.channel.startApp(HELLO, AppPlan.builder("hello", "/s1x/share/stage2/hello", GuestQemuTest.sh(
              "echo \"up as $AC_APP_NAME in $container\"; echo yes > /ran.txt; cat /data/in.txt > /data/seen.txt;"
                  + " exec sleep 1000"))
          .environment(app("hello", List.of("true")).environment())
          .mount(new io.stage1xen.guest.MountPlan("/s1x/share/stage2vol/hello/vol0", "/data", false))
          .build());
      assertTrue(ev.awaitStdout(HELLO, "up as hello in rkt", WAIT), vm.diagnostics());
      assertNotNull(ev.pid(HELLO), "STARTED came first: " + ev.timeline());
      assertTrue(waitFor(() -> Files.exists(stage2.resolve("hello/ran.txt"))), "it ran in stage2/hello");
      assertTrue(waitFor(() -> Files.exists(data.resolve("seen.txt"))), "it wrote through its volume");
      assertEquals("from dom0\n", Files.readString(data.resolve("seen.txt")));

      // enter (EXEC) finds an added app as it finds a plan's app
      int entered = vm.channel.startExec(io.stage1xen.guest.ExecRequest.pipes("hello", GuestQemuTest.sh(
          "cat /ran.txt /data/in.txt; echo $AC_APP_NAME")));
      assertEquals(0, ev.awaitExit(entered, WAIT), vm.diagnostics());
      assertEquals("yes\nfrom dom0\nhello\n", ev.stdoutText(entered));

      // one that fails on its own: its status, and the pod stays up
      vm.channel.startApp(FAILING, app("failing", GuestQemuTest.sh("exit 3")));
      assertEquals(3, ev.awaitExit(FAILING, WAIT), vm.diagnostics());

      // a second app of the same name, and one whose root is not in the share, are refused with 125
      vm.channel.startApp(TWICE, app("hello", GuestQemuTest.sh("true")));
      assertEquals(125, ev.awaitExit(TWICE, WAIT), vm.diagnostics());
      vm.channel.startApp(MISSING, app("missing", GuestQemuTest.sh("true")));
      assertEquals(125, ev.awaitExit(MISSING, WAIT), vm.diagnostics());
      assertTrue(ev.logs().stream().anyMatch(l -> l.startsWith("ERROR " + MISSING + " app missing: root "
          + "/s1x/share/stage2/missing")), ev.logs().toString());

      // rm of a running app is refused (no REMOVED); stop is SIGTERM, then the slot can go
      vm.channel.removeApp(HELLO);
      assertTrue(waitFor(() -> ev.logs().stream().anyMatch(l -> l.equals("ERROR " + HELLO
          + " app hello is running: not removed"))), ev.logs().toString());
      vm.channel.stopApp(HELLO, Duration.ofSeconds(5));
      assertEquals(143, ev.awaitExit(HELLO, WAIT), vm.diagnostics());
      vm.channel.removeApp(HELLO);
      assertTrue(ev.awaitTimeline("removed " + HELLO, WAIT), vm.diagnostics());
      int gone = vm.channel.startExec(io.stage1xen.guest.ExecRequest.pipes("hello", List.of("/bin/true")));
      assertEquals(125, ev.awaitExit(gone, WAIT), "a removed app cannot be entered");
      vm.channel.removeApp(FAILING);
      assertTrue(ev.awaitTimeline("removed " + FAILING, WAIT), vm.diagnostics());
      assertTrue(vm.qemuAlive() && ev.reason == null, "no app's end powers a mutable pod off: " + ev.timeline());

      // the name and the session are free again: the same app starts anew, ignoring SIGTERM this time
      Files.delete(stage2.resolve("hello/ran.txt"));
      vm.channel.startApp(HELLO, app("hello", GuestQemuTest.sh("trap '' TERM; echo again; while :; do sleep 1; done")));
      assertTrue(ev.awaitStdout(HELLO, "again", WAIT), vm.diagnostics());
      long stopAt = System.nanoTime();
      vm.channel.stopApp(HELLO, Duration.ofMillis(500));
      assertTrue(waitFor(() -> ev.timeline().stream().filter(e -> e.equals("exited " + HELLO + " 137")).count() == 1),
          "SIGKILL after the grace: " + ev.timeline());
      assertTrue(System.nanoTime() - stopAt >= 500_000_000L, "not before the grace period");

      // the pod ends when asked, and only then
      vm.channel.sendShutdown(Duration.ofSeconds(2));
      vm.awaitPoweroff(WAIT);
      assertEquals(PoweroffReason.REQUESTED, ev.reason, ev.timeline().toString());
      assertEquals(List.of("exited " + HELLO + " 143", "exited " + HELLO + " 137"), ev.timeline().stream()
          .filter(e -> e.startsWith("exited " + HELLO + " ")).toList(), "each end reported once, none at the shutdown");
    }
  }

  private static boolean waitFor(java.util.function.BooleanSupplier check) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      if (check.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }
}
