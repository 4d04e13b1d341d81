package io.stage1xen.guest.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.guest.AppPlan;
import io.stage1xen.guest.ExecRequest;
import io.stage1xen.guest.ControlChannel.Listener.PoweroffReason;
import io.stage1xen.guest.InterfacePlan;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.guest.SharePlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real guest (kernel + initrd from build-guest.sh) under QEMU, driven through the real protocol. Several
 * checks share one boot because every software-emulated boot costs seconds.
 */
@Tag("qemu")
class GuestQemuTest {
  static final Duration WAIT = Duration.ofSeconds(120);
  static GuestArtifacts guest;
  @TempDir Path tmp;

  @BeforeAll
  static void artefacts() {
    guest = GuestArtifacts.fromSystemProperties();
  }

  static SharePlan share(int i) {
    return new SharePlan("app" + i, "/s1x/app" + i, false);
  }

  static PodPlan pod(String hostname, String hosts, String resolv, Duration grace, List<SharePlan> shares,
      List<AppPlan> apps) {
    return new PodPlan(hostname, hosts, resolv, false, grace, false, shares, apps);
  }

  static List<String> sh(String script, String... args) {
    List<String> l = new ArrayList<>(List.of("/bin/sh", "-c", script));
    l.addAll(Arrays.asList(args));
    return l;
  }

  /** The text between "MARK\n" and the next "\nEND-MARK" in a byte dump. */
  static byte[] section(byte[] all, String mark) {
    String s = new String(all, StandardCharsets.ISO_8859_1);
    int from = s.indexOf(mark + "\n");
    int to = s.indexOf("\nEND-" + mark, from);
    assertTrue(from >= 0 && to > from, "section " + mark + " missing in: " + s);
    return s.substring(from + mark.length() + 1, to).getBytes(StandardCharsets.ISO_8859_1);
  }

  static List<String> nulSeparated(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    assertTrue(s.endsWith("\0"), "NUL-terminated entries: " + s);
    return Arrays.asList(s.substring(0, s.length() - 1).split("\0", -1));
  }

  static final List<String> HOSTILE = List.of("two  spaces", " lead", "trail ", "'single'", "\"double\"", "$HOME",
      "${PATH}", "$(id)", "`id`", "a;b|c&d", "*", "line1\nline2", "tab\there", "back\\slash", "", "-n", "--",
      "ünïcödé €😀", "%s%n");

  @Test
  void appsRunAsTheExecutorSpecSays() throws Exception {
    Path r0 = TestRootfs.make(tmp.resolve("root0"));
    Path r1 = TestRootfs.make(tmp.resolve("root1"));
    String probe = "printf 'ARGV\\n'; printf '%s\\0' \"$0\" \"$@\"; printf '\\nEND-ARGV\\n';"
        + "printf 'ENV\\n'; cat /proc/$$/environ; printf '\\nEND-ENV\\n';"
        + "printf 'ID %s %s %s\\n' \"$(id -u)\" \"$(id -g)\" \"$(id -G)\"; printf 'CWD %s\\n' \"$PWD\";"
        + "printf 'PRE %s\\n' \"$(cat /tmp/pre-marker)\"; echo to-stderr >&2";
    List<String> probeArgs = new ArrayList<>(sh(probe, "probe-argv0"));
    probeArgs.addAll(HOSTILE);
    AppPlan a0 = AppPlan.builder("probe", "/s1x/app0", probeArgs)
        .environment(List.of("PATH=/bin:/usr/bin", "X=from the pod's $manifest", "HOME=/explicit-home"))
        .user("alice").group("staff").supplementaryGids(List.of(10L, 2000L)).workingDirectory("/home/alice")
        .preStart(sh("id -u > /tmp/pre-marker")).postStop(List.of("/bin/echo", "post-stop ran")).build();
    String second = "printf 'ENV\\n'; cat /proc/$$/environ; printf '\\nEND-ENV\\n';"
        + "printf 'ID %s %s %s\\n' \"$(id -u)\" \"$(id -g)\" \"$(id -G)\"; printf 'CWD %s\\n' \"$PWD\";"
        + "if touch /ro-probe 2>/dev/null; then echo ROOT-RW; else echo ROOT-RO; fi;"
        + "if test -e /dev/hvc0; then echo HVC; else echo NO-HVC; fi; test -c /dev/null && echo DEV-NULL;"
        + "printf 'HOSTNAME %s\\n' \"$(hostname)\"; printf 'HOSTS\\n'; cat /etc/hosts; printf 'END-HOSTS\\n';"
        + "printf 'RESOLV\\n'; cat /etc/resolv.conf; printf 'END-RESOLV\\n'";
    AppPlan a1 = AppPlan.builder("second", "/s1x/app1", sh(second)).user("1001").group("100")
        .readOnlyRootFs(true).build();
    String hosts = "127.0.0.1 localhost\n10.1.2.3 testpod-1 # pod's $HOST\n";
    String resolv = "nameserver 10.0.0.53\nsearch example.test\n";
    PodPlan plan = pod("testpod-1", hosts, resolv, Duration.ofSeconds(2), List.of(share(0), share(1)),
        List.of(a0, a1));
    try (QemuGuest vm = new QemuGuest(guest, tmp.resolve("vm"), 256, List.of(r0, r1), false)) {
      vm.start(plan);
      assertEquals(0, vm.awaitPoweroff(WAIT), "QEMU exits cleanly once the guest powers off");
      RecordingEvents ev = vm.events;
      assertEquals(PoweroffReason.ALL_DONE, ev.reason, ev.timeline().toString());
      assertEquals(0, ev.exits().get(1), vm.diagnostics());
      assertEquals(0, ev.exits().get(2), ev.stderrText(2));
      assertTrue(ev.hello.contains("transport=virtio"), ev.hello);
      assertNotNull(ev.pid(1));

      byte[] out0 = ev.stdout(1);
      List<String> expectedArgv = new ArrayList<>(List.of("probe-argv0"));
      expectedArgv.addAll(HOSTILE);
      assertEquals(expectedArgv, nulSeparated(section(out0, "ARGV")), "argv arrives exactly, no re-parsing");
      assertEquals(List.of("PATH=/bin:/usr/bin", "X=from the pod's $manifest", "HOME=/explicit-home",
          "AC_APP_NAME=probe", "USER=alice", "LOGNAME=alice", "SHELL=/bin/sh"),
          nulSeparated(section(out0, "ENV")), "the plan's environment first, then only the missing defaults");
      String text0 = ev.stdoutText(1);
      assertTrue(text0.contains("ID 1000 2000 "), text0);
      String groups = text0.substring(text0.indexOf("ID 1000 2000 ") + 13).split("\n")[0];
      assertTrue(List.of(groups.split(" ")).containsAll(List.of("10", "2000")), groups);
      assertFalse(List.of(groups.split(" ")).contains("0"), "root's groups are dropped: " + groups);
      assertTrue(text0.contains("CWD /home/alice\n"), text0);
      assertTrue(text0.contains("PRE 1000\n"), "pre-start ran before the app, as the app's user: " + text0);
      assertTrue(text0.endsWith("post-stop ran\n"), "post-stop output comes last: " + text0);
      assertEquals("to-stderr\n", ev.stderrText(1), "stderr is kept apart from stdout");
      List<String> tl = ev.timeline();
      assertTrue(tl.indexOf("exited 1 0") < tl.lastIndexOf("stdout 1"), "post-stop runs after the app exited: " + tl);
      assertTrue(tl.indexOf("ready") > tl.indexOf("started 2") && tl.indexOf("ready") > tl.indexOf("started 1"), tl.toString());

      byte[] out1 = ev.stdout(2);
      assertEquals(List.of("AC_APP_NAME=second", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          "HOME=/home/bob", "USER=bob", "LOGNAME=bob", "SHELL=/bin/ash").stream().sorted().toList(),
          nulSeparated(section(out1, "ENV")).stream().sorted().toList());
      String text1 = ev.stdoutText(2);
      assertTrue(text1.contains("ID 1001 100 100\n"), "numeric user and group, no supplementary groups: " + text1);
      assertTrue(text1.contains("CWD /\n"), text1);
      assertTrue(text1.contains("ROOT-RO\n"), "readOnlyRootFS: " + text1);
      assertTrue(text1.contains("NO-HVC\n") && text1.contains("DEV-NULL\n"), "a /dev of its own: " + text1);
      assertTrue(text1.contains("HOSTNAME testpod-1\n"), text1);
      assertEquals(hosts, new String(section(out1, "HOSTS"), StandardCharsets.UTF_8) + "\n");
      assertEquals(resolv, new String(section(out1, "RESOLV"), StandardCharsets.UTF_8) + "\n");
    }
  }

  @Test
  void onlyTheFirstFailureEndsThePodAndGraceThenKill() throws Exception {
    Path r0 = TestRootfs.make(tmp.resolve("root0"));
    List<AppPlan> apps = List.of(
        AppPlan.builder("failer", "/s1x/app0", sh("sleep 1; exit 3")).build(),
        AppPlan.builder("trapper", "/s1x/app0",
            sh("trap 'echo got-term; exit 0' TERM; echo trapper-up; while :; do sleep 0.2; done")).build(),
        AppPlan.builder("stubborn", "/s1x/app0", sh("trap '' TERM; echo stubborn-up; sleep 600")).build(),
        AppPlan.builder("crasher", "/s1x/app0", sh("trap '' TERM; sleep 1; kill -SEGV $$")).build());
    PodPlan plan = pod("rule", null, null, Duration.ofMillis(1500), List.of(share(0)), apps);
    try (QemuGuest vm = new QemuGuest(guest, tmp.resolve("vm"), 256, List.of(r0), false)) {
      vm.start(plan);
      assertEquals(0, vm.awaitPoweroff(WAIT));
      RecordingEvents ev = vm.events;
      assertEquals(PoweroffReason.APP_FAILED, ev.reason, ev.timeline().toString());
      assertEquals(3, ev.exits().get(1), "the failing app's own code");
      assertEquals(0, ev.exits().get(2), "SIGTERM reached the app and it exited on its own");
      assertTrue(ev.stdoutText(2).contains("got-term"), ev.stdoutText(2));
      assertEquals(137, ev.exits().get(3), "ignored SIGTERM: killed after the grace period");
      assertEquals(139, ev.exits().get(4), "a crash (SIGSEGV) is 128+11");
      List<String> tl = ev.timeline();
      assertEquals("poweroff APP_FAILED", tl.get(tl.size() - 2), tl.toString());
    }
  }

  @Test
  void enterSessionsAndAnOrderlyShutdown() throws Exception {
    Path r0 = TestRootfs.make(tmp.resolve("root0"));
    AppPlan svc = AppPlan.builder("svc", "/s1x/app0",
        sh("trap 'echo svc-term; exit 0' TERM; echo svc-up; while :; do sleep 0.2; done"))
        .user("alice").group("staff").workingDirectory("/home/alice").build();
    PodPlan plan = pod("enter", null, null, Duration.ofSeconds(5), List.of(share(0)), List.of(svc));
    try (QemuGuest vm = new QemuGuest(guest, tmp.resolve("vm"), 256, List.of(r0), false)) {
      vm.start(plan);
      RecordingEvents ev = vm.events;
      assertTrue(ev.awaitReady(WAIT), vm.diagnostics());
      assertTrue(ev.awaitStdout(1, "svc-up", WAIT), vm.diagnostics());

      // two sessions at once: a byte-exact binary pipe and one with separate stdout/stderr and an exit code
      int cat = vm.channel.startExec(ExecRequest.pipes("svc", List.of("cat")));
      int mixed = vm.channel.startExec(new ExecRequest("svc",
          sh("echo out $AC_APP_NAME $EXTRA $(id -u):$(id -g) $(pwd); echo err >&2; read x; echo in:$x; exit 7"),
          List.of("EXTRA=from enter"), false, 0, 0));
      byte[] blob = new byte[100_000];
      new Random(7).nextBytes(blob);
      for (int i = 0; i < 256; i++) {
        blob[i] = (byte) i;
      }
      vm.channel.sendStdin(cat, blob);
      vm.channel.sendStdin(mixed, "typed\n".getBytes(StandardCharsets.UTF_8));
      vm.channel.sendStdin(cat, new byte[0]);
      assertEquals(7, ev.awaitExit(mixed, WAIT), vm.diagnostics());
      // an enter session runs as the app runs: its user, group and working directory
      assertEquals("out svc from enter 1000:2000 /home/alice\nin:typed\n", ev.stdoutText(mixed));
      assertEquals("err\n", ev.stderrText(mixed));
      assertEquals(0, ev.awaitExit(cat, WAIT), vm.diagnostics());
      assertArrayEquals(blob, ev.stdout(cat), "binary data survives both directions");

      // a terminal session: its size, a resize, input through the pty
      int tty = vm.channel.startExec(ExecRequest.terminal("svc",
          sh("stty size; read line; stty size; echo got:$line; tty"), 40, 132));
      assertTrue(ev.awaitStdout(tty, "40 132", WAIT), ev.stdoutText(tty));
      vm.channel.sendWinsize(tty, 50, 100);
      vm.channel.sendStdin(tty, "hello\n".getBytes(StandardCharsets.UTF_8));
      assertEquals(0, ev.awaitExit(tty, WAIT), ev.stdoutText(tty));
      String t = ev.stdoutText(tty).replace("\r", "");
      assertTrue(t.contains("50 100\n") && t.contains("got:hello\n") && t.contains("/dev/pts/"), t);

      // a signal ends a session like any signal: 128 + n
      int sleeper = vm.channel.startExec(ExecRequest.pipes("svc", List.of("/bin/sleep", "600")));
      Thread.sleep(500);
      vm.channel.sendSignal(sleeper, 15);
      assertEquals(143, ev.awaitExit(sleeper, WAIT));

      int missing = vm.channel.startExec(ExecRequest.pipes("nope", List.of("/bin/true")));
      assertEquals(125, ev.awaitExit(missing, WAIT));
      assertTrue(ev.stderrText(missing).contains("no app named 'nope'"), ev.stderrText(missing));
      int notFound = vm.channel.startExec(ExecRequest.pipes("svc", List.of("no-such-program")));
      assertEquals(127, ev.awaitExit(notFound, WAIT));

      vm.channel.sendShutdown(Duration.ofSeconds(5));
      assertEquals(0, vm.awaitPoweroff(WAIT));
      assertEquals(PoweroffReason.REQUESTED, ev.reason);
      assertEquals(0, ev.exits().get(1), "the app got SIGTERM and exited by itself");
      assertTrue(ev.stdoutText(1).contains("svc-term"), ev.stdoutText(1));
    }
  }

  @Test
  void theInitConfiguresTheInterfacesOfThePlanBeforeTheAppsStart() throws Exception {
    Path r0 = TestRootfs.make(tmp.resolve("root0"));
    Files.createDirectories(r0.resolve("srv/www"));
    Files.writeString(r0.resolve("srv/www/index.html"), "served from the pod VM\n");
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    // eth0 as a ptp network sets it up (no prefix route; the gateway on the link, everything else through it) on
    // QEMU's user-mode network, whose gateway is 10.0.2.2; eth1 as a bridge network (prefix route, an MTU)
    String mac0 = "02:00:5e:10:00:01";
    String mac1 = "02:00:5e:10:00:02";
    InterfacePlan eth0 = new InterfacePlan("eth0", mac0, "10.0.2.15/24", 0, false, List.of(
        new InterfacePlan.RoutePlan("10.0.2.2/32", null), new InterfacePlan.RoutePlan("10.0.2.0/24", "10.0.2.2"),
        new InterfacePlan.RoutePlan("0.0.0.0/0", "10.0.2.2")));
    InterfacePlan eth1 = new InterfacePlan("eth1", mac1, "192.168.77.9/24", 1400, true, List.of(
        new InterfacePlan.RoutePlan("10.77.0.0/16", "192.168.77.1")));
    AppPlan web = AppPlan.builder("web", "/s1x/app0", List.of("/bin/httpd", "-f", "-p", "8080", "-h", "/srv/www"))
        .build();
    PodPlan plan = pod("net", null, null, Duration.ofSeconds(3), List.of(share(0)), List.of(web))
        .withNetworks(List.of(eth1, eth0), null);
    // the plan lists eth1 first: the init finds each device by its MAC, whatever the probe order
    List<List<String>> nics = List.of(
        List.of("-netdev", "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:" + port + "-10.0.2.15:8080",
            "-device", "virtio-net-pci,netdev=n0,mac=" + mac0),
        List.of("-netdev", "user,id=n1,restrict=on", "-device", "virtio-net-pci,netdev=n1,mac=" + mac1));
    try (QemuGuest vm = QemuGuest.withNics(guest, tmp.resolve("vm"), 256, List.of(r0), false, nics)) {
      vm.start(plan);
      RecordingEvents ev = vm.events;
      assertTrue(ev.awaitReady(WAIT), vm.diagnostics());
      int ip = vm.channel.startExec(ExecRequest.pipes("web", sh("ip -o -4 addr show; ip -4 route show;"
          + " cat /sys/class/net/eth1/mtu; ip -o link show | cut -d: -f2")));
      assertEquals(0, ev.awaitExit(ip, WAIT), ev.stderrText(ip));
      String out = ev.stdoutText(ip);
      assertTrue(out.matches("(?s).*lo +inet 127\\.0\\.0\\.1/8.*"), out);
      assertTrue(out.matches("(?s).*eth0 +inet 10\\.0\\.2\\.15/24 .*"), out);
      assertTrue(out.matches("(?s).*eth1 +inet 192\\.168\\.77\\.9/24 .*"), out);
      assertTrue(out.contains("default via 10.0.2.2 dev eth0"), out);
      assertTrue(out.contains("10.0.2.0/24 via 10.0.2.2 dev eth0"), out);
      assertTrue(out.matches("(?s).*\\n10\\.0\\.2\\.2 dev eth0 [^\\n]*scope link.*"), out);
      assertTrue(out.matches("(?s).*\\n192\\.168\\.77\\.0/24 dev eth1 [^\\n]*scope link.*"), out);
      assertTrue(out.contains("10.77.0.0/16 via 192.168.77.1 dev eth1"), out);
      assertTrue(out.contains("\n1400\n"), out);
      // a connection through QEMU's forward reaches the app on eth0's address, and the answer finds its way back
      String page = null;
      for (int i = 0; i < 40 && page == null; i++) {
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
          s.setSoTimeout(20_000);
          s.getOutputStream().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          page = reply.contains("served from the pod VM") ? reply : null;
        } catch (java.io.IOException e) {
          Thread.sleep(500);
        }
      }
      assertTrue(page != null, "no answer from the app through eth0: " + vm.diagnostics());
      vm.channel.sendShutdown(Duration.ofSeconds(3));
      assertEquals(0, vm.awaitPoweroff(WAIT));
    }
  }

  @Test
  void aPowerOffRequestLikeXensStopsThePod() throws Exception {
    Path r0 = TestRootfs.make(tmp.resolve("root0"));
    AppPlan svc = AppPlan.builder("svc", "/s1x/app0", List.of("/bin/sleep", "600")).build();
    PodPlan plan = pod("xenstyle", null, null, Duration.ofSeconds(3), List.of(share(0)), List.of(svc));
    try (QemuGuest vm = new QemuGuest(guest, tmp.resolve("vm"), 256, List.of(r0), false)) {
      vm.start(plan);
      assertTrue(vm.events.awaitReady(WAIT), vm.diagnostics());
      // Xen's shutdown request makes the kernel run /sbin/poweroff (busybox), which sends SIGUSR2 to PID 1;
      // busybox's poweroff inside the app sends exactly that signal.
      vm.channel.startExec(ExecRequest.pipes("svc", List.of("poweroff")));
      assertEquals(0, vm.awaitPoweroff(WAIT));
      assertEquals(PoweroffReason.REQUESTED, vm.events.reason);
      assertEquals(143, vm.events.exits().get(1));
    }
  }

  @Test
  void anAppThatCannotBeSetUpFailsThePodBeforeAnythingStarts() throws Exception {
    Path r0 = TestRootfs.make(tmp.resolve("root0"));
    List<AppPlan> apps = List.of(
        AppPlan.builder("ghost", "/s1x/app0", List.of("/bin/true")).user("nobody-here").build(),
        AppPlan.builder("fine", "/s1x/app0", sh("echo should-not-run")).build());
    PodPlan plan = pod("setup", null, null, Duration.ofSeconds(1), List.of(share(0)), apps);
    try (QemuGuest vm = new QemuGuest(guest, tmp.resolve("vm"), 256, List.of(r0), false)) {
      vm.start(plan);
      assertEquals(0, vm.awaitPoweroff(WAIT));
      RecordingEvents ev = vm.events;
      assertEquals(PoweroffReason.APP_FAILED, ev.reason);
      assertEquals(125, ev.exits().get(1));
      assertEquals(143, ev.exits().get(2), "never started: reported as stopped by the pod");
      assertEquals("", ev.stdoutText(2));
      assertTrue(ev.logs().stream().anyMatch(l -> l.startsWith("ERROR 1 ") && l.contains("nobody-here")),
          ev.logs().toString());
    }
  }

  /**
   * The image decides an app's user, and the guest init quotes it in its error: an image can put escape sequences
   * and newlines into the init's LOG text without any hostile guest code. They arrive printable.
   */
  @Test
  void anImagesUserWithEscapeSequencesReachesTheHostEscaped() throws Exception {
    Path r0 = TestRootfs.make(tmp.resolve("root0"));
    String user = "\u001b[31mEVIL\u001b]0;pwned\u0007\rrun: forged line";
    List<AppPlan> apps = List.of(AppPlan.builder("app", "/s1x/app0", List.of("/bin/true")).user(user).build());
    PodPlan plan = pod("hostile", null, null, Duration.ofSeconds(1), List.of(share(0)), apps);
    try (QemuGuest vm = new QemuGuest(guest, tmp.resolve("vm"), 256, List.of(r0), false)) {
      vm.start(plan);
      assertEquals(0, vm.awaitPoweroff(WAIT));
      assertEquals(125, vm.events.exits().get(1));
      List<String> errors = vm.events.logs().stream().filter(l -> l.startsWith("ERROR 1 ")).toList();
      assertEquals(List.of("ERROR 1 app app: user '\\u001b[31mEVIL\\u001b]0;pwned\\u0007\\rrun: forged line' is"
          + " neither in the image's /etc/passwd nor a number nor an existing /path"), errors, vm.diagnostics());
    }
  }

  @Test
  void aMutablePodWaitsForShutdown() throws Exception {
    PodPlan plan = new PodPlan("mutable", null, null, false, Duration.ofSeconds(1), true, List.of(), List.of());
    try (QemuGuest vm = new QemuGuest(guest, tmp.resolve("vm"), 256, List.of(), false)) {
      vm.start(plan);
      assertTrue(vm.events.awaitReady(WAIT), vm.diagnostics());
      Thread.sleep(1000);
      assertTrue(vm.qemuAlive(), "no apps, but the pod stays up");
      int s = vm.channel.startExec(ExecRequest.pipes("later", List.of("/bin/true")));
      assertEquals(125, vm.events.awaitExit(s, WAIT));
      vm.channel.sendShutdown(Duration.ofSeconds(1));
      assertEquals(0, vm.awaitPoweroff(WAIT));
      assertEquals(PoweroffReason.REQUESTED, vm.events.reason);
    }
  }
}
