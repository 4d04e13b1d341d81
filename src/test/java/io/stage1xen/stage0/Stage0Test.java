package io.stage1xen.stage0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage0 stand-in, checked against the contract with a stage1 made of reporting shell scripts. These tests
 * pin the emulator's fidelity; stage1-xen's own end-to-end tests build on it.
 */
class Stage0Test {
  static final PodUuid UUID = PodUuid.of("f31ac7c7-0f1b-4b6c-a0ab-3b9c1bb0d4a2");
  static final long O_CLOEXEC = 02000000;

  @TempDir Path tmp;
  Path log;
  Path data;
  Path pod;

  @BeforeEach
  void dirs() throws IOException {
    log = Files.createDirectories(tmp.resolve("log"));
    data = tmp.resolve("rkt");
    pod = data.resolve("pods/run/" + UUID.value());
  }

  @AfterEach
  void killLeftovers() throws IOException {
    for (String child : List.of("leak-child", "ppid-child")) {
      Path f = log.resolve(child);
      if (Files.exists(f)) {
        ProcessHandle.of(Long.parseLong(Files.readString(f).strip())).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private Stage0 stage0(String... env) {
    Map<String, String> extra = new java.util.HashMap<>(Map.of("FAKE_LOG", log.toString(), "CALLER_VAR", "from-rkt"));
    for (int i = 0; i < env.length; i += 2) {
      extra.put(env[i], env[i + 1]);
    }
    return new Stage0(data, extra);
  }

  private Stage0 prepared(int interfaceVersion, String podManifestFixture, String... env) throws Exception {
    Path stage1 = FakeStage1.create(tmp.resolve("stage1"), interfaceVersion, false);
    Stage0 s = stage0(env);
    Path manifest = Path.of(getClass().getResource("/rkt-1.30.0/pod-manifests/" + podManifestFixture).toURI());
    Map<String, Path> apps = podManifestFixture.startsWith("two-apps")
        ? Map.of("hello", FakeStage1.app(tmp.resolve("app1"), "hello"), "hello2",
            FakeStage1.app(tmp.resolve("app2"), "hello2"))
        : Map.of("hello", FakeStage1.app(tmp.resolve("app1"), "hello"));
    s.prepare(UUID, stage1, manifest, apps);
    return s;
  }

  private void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(file)) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + file);
      Thread.sleep(20);
    }
  }

  @Test
  void prepareLaysOutTheNoOverlayPod() throws Exception {
    prepared(5, "one-app.json");
    Path p = data.resolve("pods/prepared/" + UUID.value());
    assertEquals("rwxr-x---", perms(p));
    assertEquals("rw-r-----", perms(p.resolve("pod")));
    assertEquals("rw-r-----", perms(p.resolve("pod-created")));
    assertEquals(0, Files.size(p.resolve("pod-created")));
    assertEquals("rw-------", perms(p.resolve("pod.lck")));
    assertEquals("rw-r-----", perms(p.resolve("stage1/manifest")));
    assertTrue(Files.readString(p.resolve("pod")).contains("\"name\":\"hello\""));
    assertTrue(Files.isExecutable(p.resolve("stage1/rootfs/bin/run")), "stage1 rootfs is a copy");
    assertTrue(Files.isDirectory(p.resolve("stage1/rootfs/rkt/status")));
    assertEquals("hello from hello\n", Files.readString(p.resolve("stage1/rootfs/opt/stage2/hello/rootfs/hello.txt")));
    assertTrue(Files.readString(p.resolve("stage1/rootfs/opt/stage2/hello/manifest")).contains("example.com/hello"));
    assertTrue(Files.readString(p.resolve("appsinfo/hello/manifest")).contains("example.com/hello"));
    String treeId = Files.readString(p.resolve("stage1TreeStoreID"));
    assertTrue(treeId.matches("deps-sha512-[0-9a-f]{64}"), treeId);
    assertTrue(Files.isExecutable(data.resolve("cas/tree/" + treeId + "/rootfs/bin/enter")), "tree store copy");
    for (String overlayOnly : List.of("overlay-prepared", "overlay", "appsinfo/hello/treeStoreID")) {
      assertFalse(Files.exists(p.resolve(overlayOnly)), overlayOnly);
    }
    assertEquals("prepared", stage0().status(UUID).state());
  }

  @Test
  void prepareTakesAciFiles() throws Exception {
    Path stage1 = FakeStage1.create(tmp.resolve("stage1"), 5, false);
    Path app = FakeStage1.app(tmp.resolve("app"), "hello");
    Path stage1Aci = FakeStage1.aci(stage1, tmp.resolve("stage1.aci"));
    Path appAci = FakeStage1.aci(app, tmp.resolve("hello.aci"));
    Path manifest = Path.of(getClass().getResource("/rkt-1.30.0/pod-manifests/one-app.json").toURI());
    stage0().prepare(UUID, stage1Aci, manifest, Map.of("hello", appAci));
    Path p = data.resolve("pods/prepared/" + UUID.value());
    assertTrue(Files.isExecutable(p.resolve("stage1/rootfs/bin/run")));
    assertEquals("hello from hello\n", Files.readString(p.resolve("stage1/rootfs/opt/stage2/hello/rootfs/hello.txt")));
  }

  @Test
  void runExecsTheEntrypointAsRktDoes() throws Exception {
    ExecResult result = prepared(5, "one-app.json", "FAKE_EXIT", "7").run(UUID);
    assertEquals(7, result.exitCode(), result.stderr());
    Report run = Report.read(log.resolve("run"));
    String podDir = pod.toRealPath().toString();
    assertEquals(podDir + "/stage1/rootfs/bin/run", run.get("argv0"));
    assertEquals(List.of("--net=default", "--local-config=/etc/rkt", UUID.value()), run.args());
    assertEquals(podDir, run.get("cwd"));
    assertEquals("7", run.get("RKT_LOCK_FD"));
    assertEquals("", run.get("RKT_SELINUX_CONTEXT"));
    assertEquals("", run.get("RKT_SELINUX_MOUNT_CONTEXT"));
    assertEquals("from-rkt", run.get("CALLER_VAR"), "rkt's environment is passed through");
    assertEquals(podDir, run.get("fd7"), "fd 7 is the pod directory");
    assertEquals(0, Long.parseLong(run.get("fd7flags"), 8) & O_CLOEXEC, "fd 7 survives exec");
    assertEquals(String.valueOf(ProcessHandle.current().pid()), run.get("ppid"),
        "stage0 exec'd the entrypoint: its parent is stage0's parent");
    assertTrue(List.of("0", "1", "2", "7", "255").containsAll(run.fds()), "no other fds: " + run.fds());
    assertTrue(Files.isDirectory(pod), "the pod moved to pods/run");
  }

  @Test
  void stdinAndStdoutArePassedThrough() throws Exception {
    ExecResult r = prepared(5, "one-app.json", "FAKE_MODE", "echo").runWithStdin(UUID,
        "typed by the user\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), "--interactive");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("typed by the user\n", r.stdout());
  }

  @Test
  void runPassesFlagsInTemplateOrder() throws Exception {
    prepared(5, "one-app.json").run(UUID, "--hostname=myhost", "--debug",
        "--dns-conf-mode=resolv=stage0,hosts=default", "--net=foo:IP=10.1.2.3,bar", "--interactive",
        "--disable-seccomp", "--disable-paths", "--disable-capabilities-restriction",
        "--private-users=229900288:65536", "--mds-token=tok");
    assertEquals(List.of("--debug", "--net=foo:IP=10.1.2.3,bar", "--interactive", "--private-users=229900288:65536",
        "--mds-token=tok", "--local-config=/etc/rkt", "--hostname=myhost",
        "--dns-conf-mode=resolv=stage0,hosts=default", "--disable-capabilities-restriction", "--disable-paths",
        "--disable-seccomp", UUID.value()), Report.read(log.resolve("run")).args());
  }

  @Test
  void versionOneDropsNewerFlagsWithRktsWarnings() throws Exception {
    ExecResult r = prepared(1, "one-app.json").run(UUID, "--hostname=h", "--dns-conf-mode=resolv=host,hosts=host");
    assertEquals(List.of("--net=default", "--local-config=/etc/rkt", UUID.value()),
        Report.read(log.resolve("run")).args());
    assertTrue(r.stderr().contains("stage0: warning: --hostname option is not supported by stage1"), r.stderr());
    assertTrue(r.stderr().contains("stage0: warning: --dns-conf-mode option not supported by stage1"), r.stderr());
  }

  @Test
  void ipcNeedsVersionSix() throws Exception {
    ExecResult r = prepared(5, "one-app.json").run(UUID, "--ipc=parent");
    assertFalse(Report.read(log.resolve("run")).args().stream().anyMatch(a -> a.startsWith("--ipc")));
    assertTrue(r.stderr().contains("stage0: warning: --ipc option is not supported by stage1"), r.stderr());
  }

  @Test
  void ipcWithVersionSix() throws Exception {
    prepared(6, "one-app.json").run(UUID, "--ipc=parent", "--net=none");
    assertEquals(List.of("--net=none", "--local-config=/etc/rkt", "--ipc=parent", UUID.value()),
        Report.read(log.resolve("run")).args());
  }

  @Test
  void mutableNeedsTheAppEntrypoints() throws Exception {
    ExecResult r = prepared(5, "mutable-sandbox.json").run(UUID, "--mutable");
    assertEquals(1, r.exitCode());
    assertTrue(r.stderr().contains("stage0: stage1 does not support mutable pods"), r.stderr());
  }

  @Test
  void runPreparedWithoutLocalConfig() throws Exception {
    prepared(5, "one-app.json").run(UUID, "--no-local-config", "--net=host", "--interactive", "--hostname=ph");
    assertEquals(List.of("--net=host", "--interactive", "--hostname=ph", UUID.value()),
        Report.read(log.resolve("run")).args());
  }

  @Test
  void lockHeldMeansRunningAndStatusFilesGiveExitCodes() throws Exception {
    Stage0 s = prepared(5, "two-apps-exit5.json", "FAKE_MODE", "stay", "FAKE_STATUS", "hello=0 hello2=5",
        "FAKE_EXIT", "5");
    CompletableFuture<ExecResult> run = s.start(UUID);
    awaitFile(log.resolve("ready"));
    Stage0.PodStatus running = s.status(UUID);
    assertTrue(running.isRunning(), running.toString());
    assertFalse(running.exited());
    assertTrue(running.pid().isPresent());
    assertEquals(Map.of(), running.appExitCodes(), "no app lines while running");
    Files.createFile(log.resolve("release"));
    assertEquals(5, run.get(20, TimeUnit.SECONDS).exitCode());
    Stage0.PodStatus exited = s.status(UUID);
    assertEquals("exited", exited.state());
    assertTrue(exited.exited());
    assertEquals(running.pid(), exited.pid());
    assertEquals(Map.of("hello", 0, "hello2", 5), exited.appExitCodes());
  }

  @Test
  void aChildHoldingTheLockKeepsThePodRunning() throws Exception {
    Stage0 s = prepared(5, "one-app.json", "FAKE_MODE", "leak");
    assertEquals(0, s.run(UUID).exitCode());
    assertTrue(s.status(UUID).isRunning(), "the leaked fd 7 still holds the lock");
    long child = Long.parseLong(Files.readString(log.resolve("leak-child")).strip());
    ProcessHandle handle = ProcessHandle.of(child).orElseThrow();
    handle.destroyForcibly();
    handle.onExit().get(10, TimeUnit.SECONDS);
    assertEquals("exited", s.status(UUID).state());
  }

  @Test
  void runWithoutPidFile() throws Exception {
    Stage0 s = prepared(5, "one-app.json");
    Path run = data.resolve("pods/prepared/" + UUID.value() + "/stage1/rootfs/bin/run");
    Files.writeString(run, "#!/bin/sh\nexit 254\n");
    assertEquals(254, s.run(UUID).exitCode());
    Stage0.PodStatus st = s.status(UUID);
    assertEquals("exited", st.state());
    assertEquals(OptionalLong.empty(), st.pid());
    assertEquals(Map.of(), st.appExitCodes());
  }

  @Test
  void enterRunsFromTheTreeStoreWithTheCommand() throws Exception {
    Stage0 s = prepared(5, "one-app.json", "FAKE_MODE", "stay", "FAKE_ENTER_EXIT", "3");
    CompletableFuture<ExecResult> run = s.start(UUID);
    awaitFile(log.resolve("ready"));
    ExecResult enter = s.enter(UUID, Optional.empty(), List.of("/bin/sh", "-c", "echo entered; exit 3", "--x"));
    assertEquals(3, enter.exitCode(), enter.stderr());
    Report r = Report.read(log.resolve("enter"));
    String treeId = Files.readString(pod.resolve("stage1TreeStoreID"));
    assertEquals(data.toRealPath() + "/cas/tree/" + treeId + "/rootfs/bin/enter", r.get("argv0"));
    long pid = s.status(UUID).pid().orElseThrow();
    assertEquals(List.of("--pid=" + pid, "--appname=hello", "--", "/bin/sh", "-c", "echo entered; exit 3", "--x"),
        r.args());
    assertEquals(pod.toRealPath().toString(), r.get("cwd"));
    assertEquals("unset", r.get("RKT_LOCK_FD"));
    assertFalse(r.values().containsKey("fd7"), "no lock fd for enter");
    assertEquals(String.valueOf(ProcessHandle.current().pid()), r.get("ppid"), "exec'd, not forked");

    ExecResult bash = s.enter(UUID, Optional.of("hello"), List.of());
    assertTrue(bash.stderr().contains("enter: no command specified, assuming \"/bin/bash\""), bash.stderr());
    assertEquals(List.of("--pid=" + pid, "--appname=hello", "--", "/bin/bash"),
        Report.read(log.resolve("enter")).args());
    Files.createFile(log.resolve("release"));
    run.get(20, TimeUnit.SECONDS);

    ExecResult afterwards = s.enter(UUID, Optional.empty(), List.of("true"));
    assertEquals(254, afterwards.exitCode());
    assertTrue(afterwards.stderr().contains("isn't currently running"), afterwards.stderr());
  }

  @Test
  void enterNeedsAnAppWhenThereAreSeveral() throws Exception {
    Stage0 s = prepared(5, "two-apps-exit5.json", "FAKE_MODE", "stay");
    CompletableFuture<ExecResult> run = s.start(UUID);
    awaitFile(log.resolve("ready"));
    ExecResult enter = s.enter(UUID, Optional.empty(), List.of("true"));
    assertEquals(254, enter.exitCode());
    assertEquals("enter: pod contains multiple apps:\nenter: \thello\nenter: \thello2\n"
        + "enter: unable to determine app name: specify app using \"rkt enter --app= ...\"\n", enter.stderr());
    assertFalse(Files.exists(log.resolve("enter")), "the entrypoint was not called");
    assertEquals(0, s.enter(UUID, Optional.of("hello2"), List.of("true")).exitCode());
    assertTrue(Report.read(log.resolve("enter")).args().contains("--appname=hello2"));
    Files.createFile(log.resolve("release"));
    run.get(20, TimeUnit.SECONDS);
  }

  @Test
  void enterFindsThePidThroughPpid() throws Exception {
    Stage0 s = prepared(5, "one-app.json", "FAKE_MODE", "stay", "FAKE_PPID", "1");
    CompletableFuture<ExecResult> run = s.start(UUID);
    awaitFile(log.resolve("ready"));
    awaitFile(log.resolve("ppid-child"));
    String child = Files.readString(log.resolve("ppid-child")).strip();
    assertEquals(0, s.enter(UUID, Optional.empty(), List.of("true")).exitCode());
    assertEquals("--pid=" + child, Report.read(log.resolve("enter")).args().get(0));
    Files.createFile(log.resolve("release"));
    run.get(20, TimeUnit.SECONDS);
  }

  @Test
  void stopIsAChildAndTheRunEntrypointsCodeIsRktRuns() throws Exception {
    Stage0 s = prepared(5, "one-app.json", "FAKE_MODE", "stay");
    CompletableFuture<ExecResult> run = s.start(UUID);
    awaitFile(log.resolve("ready"));
    ExecResult stop = s.stop(UUID, false);
    assertEquals(0, stop.exitCode(), stop.stderr());
    assertEquals("\"" + UUID.value() + "\"\n", stop.stdout());
    assertEquals(143, run.get(20, TimeUnit.SECONDS).exitCode(), "SIGTERM handled by the fake");
    Report r = Report.read(log.resolve("stop"));
    assertEquals(List.of(UUID.value()), r.args());
    assertEquals("/dev/null", r.get("stdin"));
    assertEquals(pod.toRealPath().toString(), r.get("cwd"));
    assertEquals("unset", r.get("RKT_LOCK_FD"));
    assertFalse(r.get("ppid").equals(String.valueOf(ProcessHandle.current().pid())), "a child of stage0");

    ExecResult again = s.stop(UUID, false);
    assertEquals(0, again.exitCode());
    assertEquals("pod \"" + UUID.value() + "\" is already stopped\n", again.stdout(), "on stdout, as rkt prints it");
  }

  @Test
  void forcedStopKills() throws Exception {
    Stage0 s = prepared(5, "one-app.json", "FAKE_MODE", "stay");
    CompletableFuture<ExecResult> run = s.start(UUID);
    awaitFile(log.resolve("ready"));
    assertEquals(0, s.stop(UUID, true).exitCode());
    assertEquals(137, run.get(20, TimeUnit.SECONDS).exitCode());
    assertEquals(List.of("--force", UUID.value()), Report.read(log.resolve("stop")).args());
  }

  @Test
  void failedStop() throws Exception {
    Stage0 s = prepared(5, "one-app.json", "FAKE_MODE", "stay", "FAKE_STOP_EXIT", "1");
    CompletableFuture<ExecResult> run = s.start(UUID);
    awaitFile(log.resolve("ready"));
    ExecResult stop = s.stop(UUID, false);
    assertEquals(254, stop.exitCode());
    assertTrue(stop.stderr().contains("stop: error stopping \"" + UUID.value() + "\": exit status 1\n"
        + "stop: failed to stop 1 pod(s)"), stop.stderr());
    run.get(20, TimeUnit.SECONDS);
  }

  @Test
  void gcRunsUnderExitedGarbageWithStdoutDiscarded() throws Exception {
    Stage0 s = prepared(5, "one-app.json", "FAKE_GC_EXIT", "9");
    s.run(UUID);
    String treeId = Files.readString(pod.resolve("stage1TreeStoreID"));
    ExecResult gc = s.gc(UUID);
    assertEquals(0, gc.exitCode(), "rkt gc exits 0 whatever the entrypoint returns");
    assertFalse(gc.stdout().contains("GC-STDOUT"), "stdout is discarded");
    assertTrue(gc.stderr().contains("GC-STDERR"), "stderr is inherited");
    assertTrue(gc.stderr().contains("rm: problem performing stage1 GC on \"" + UUID.value() + "\": exit status 9"),
        gc.stderr());
    assertEquals("\"" + UUID.value() + "\"\n", gc.stdout(), "rkt rm names the removed pod");
    Report r = Report.read(log.resolve("gc"));
    Path garbage = data.toRealPath().resolve("pods/exited-garbage/" + UUID.value());
    assertEquals(garbage + "/stage1/rootfs/bin/gc", r.get("argv0"));
    assertEquals(List.of("--local-config", "/etc/rkt", UUID.value()), r.args(), "two words");
    assertEquals(garbage.toString(), r.get("cwd"));
    assertEquals(garbage.toString(), r.get("PWD"));
    assertEquals("/dev/null", r.get("stdin"));
    assertEquals("/dev/null", r.get("stdout"));
    assertEquals("unset", r.get("RKT_LOCK_FD"));
    assertTrue(List.of("0", "1", "2", "255").containsAll(r.fds()), "no lock fd: " + r.fds());
    assertFalse(Files.exists(garbage), "the pod is removed afterwards");
    assertFalse(Files.exists(pod));
    assertTrue(Files.isDirectory(data.resolve("cas/tree/" + treeId)), "the tree store stays");
  }

  @Test
  void gcFlagsAndVersions() throws Exception {
    Stage0 s = prepared(5, "one-app.json");
    s.run(UUID);
    s.gc(UUID, "--debug", "--local-config", "/tmp/lc");
    assertEquals(List.of("--debug", "--local-config", "/tmp/lc", UUID.value()), Report.read(log.resolve("gc")).args());
  }

  @Test
  void gcWithAVersionOneStage1HasNoLocalConfig() throws Exception {
    Stage0 s = prepared(1, "one-app.json");
    s.run(UUID);
    s.gc(UUID, "--debug");
    assertEquals(List.of("--debug", UUID.value()), Report.read(log.resolve("gc")).args());
  }

  @Test
  void gcLeavesRunningPodsAlone() throws Exception {
    Stage0 s = prepared(5, "one-app.json", "FAKE_MODE", "stay");
    CompletableFuture<ExecResult> run = s.start(UUID);
    awaitFile(log.resolve("ready"));
    ExecResult gc = s.gc(UUID);
    assertEquals(254, gc.exitCode());
    assertTrue(gc.stderr().contains("is currently running"), gc.stderr());
    assertFalse(Files.exists(log.resolve("gc")));
    Files.createFile(log.resolve("release"));
    run.get(20, TimeUnit.SECONDS);
    assertEquals(0, s.gc(UUID).exitCode());
    assertTrue(Files.exists(log.resolve("gc")));
  }

  @Test
  void gcOfAPodThatNeverRan() throws Exception {
    Stage0 s = prepared(5, "one-app.json");
    ExecResult gc = s.gc(UUID);
    assertEquals(0, gc.exitCode());
    assertFalse(Files.exists(log.resolve("gc")), "rkt does not call gc for pods that never ran");
    assertFalse(Files.exists(data.resolve("pods/prepared/" + UUID.value())));
  }

  @Test
  void unknownPods() throws Exception {
    Stage0 s = stage0();
    ExecResult status = s.run("status", UUID, List.of());
    assertEquals(254, status.exitCode());
    assertEquals("status: problem retrieving pod: no matches found for \"" + UUID.value() + "\"\n", status.stderr());
    assertEquals(254, s.run(UUID).exitCode());
    assertEquals(254, s.stop(UUID, false).exitCode());
  }

  @Test
  void podDirectoryHelper() {
    assertEquals(data.toAbsolutePath().resolve("pods/exited-garbage/" + UUID.value()),
        stage0().podDirectory(UUID, PodState.EXITED_GARBAGE));
  }

  private static String perms(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
