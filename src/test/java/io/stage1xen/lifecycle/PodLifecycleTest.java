package io.stage1xen.lifecycle;

import static io.stage1xen.lifecycle.TestPods.app;
import static io.stage1xen.lifecycle.TestPods.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.ExecResult;
import io.stage1xen.stage0.Stage0;
import io.stage1xen.testing.FakeHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run, stop and gc end to end, the way rkt 1.30.0 calls them (through the stage0 emulator: real exec, real lock on
 * fd 7, real signals), with the fake xl and fake guests standing in for Xen. The same scenarios run on a real Xen host
 * in the smoke suite.
 */
class PodLifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private FakeHost host;
  private Stage0 stage0;

  @AfterEach
  void endNamespace() {
    if (host != null) {
      host.close();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    host = new FakeHost(tmp);
    stage0 = host.stage0();
  }

  private String domain(PodUuid uuid) {
    return "rkt-" + uuid;
  }

  private Path runDir(PodUuid uuid) {
    return host.podDirectory(uuid, PodState.RUN);
  }

  @Test
  void anAppsOutputAndExitCodeReachRkt() throws Exception {
    PodUuid uuid = host.prepare(pod(app("hello", "/fake", "out:hello from the pod", "err:to stderr", "exit:0")));
    ExecResult r = stage0.run(uuid, "--net=none");

    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("hello from the pod\n", r.stdout());
    assertTrue(r.stderr().contains("to stderr"), r.stderr());
    Path pod = runDir(uuid);
    assertEquals("0", Files.readString(pod.resolve("stage1/rootfs/rkt/status/hello")));
    assertEquals(Path.of("ready"), Files.readSymbolicLink(pod.resolve("stage1/rootfs/rkt/supervisor-status")));
    assertTrue(Files.readString(pod.resolve("pid")).matches("[0-9]+"));
    assertTrue(Files.readString(pod.resolve("xen/domain.cfg")).contains("name = \"" + domain(uuid) + "\""));
    Stage0.PodStatus status = stage0.status(uuid);
    assertEquals("exited", status.state());
    assertEquals(Map.of("hello", 0), status.appExitCodes());
    assertEquals(List.of(), host.liveDomains());
    // no vifs, nothing for dom0 to do before the guest runs: created running, no xl unpause
    assertTrue(host.xlCalls().contains("create " + pod.toRealPath().resolve("xen/domain.cfg")), host.xlCalls().toString());
    assertTrue(host.xlCalls().stream().noneMatch(c -> c.startsWith("unpause") || c.startsWith("create -p")),
        host.xlCalls().toString());
  }

  @Test
  void theFirstFailingAppDecidesTheExitCodeAndEveryStatusIsWritten() throws Exception {
    PodUuid uuid = host.prepare(pod(app("hello", "/fake", "out:hello", "exit:0"),
        app("hello2", "/fake", "sleep:300", "out:hello2", "exit:5")));
    ExecResult r = stage0.run(uuid, "--net=none");

    assertEquals(5, r.exitCode(), r.stderr());
    assertEquals(Map.of("hello", 0, "hello2", 5), stage0.status(uuid).appExitCodes());
  }

  @Test
  void oneFailingAppStopsTheOthers() throws Exception {
    PodUuid uuid = host.prepare(pod(app("server", "/fake", "out:serving", "hang"),
        app("job", "/fake", "sleep:300", "exit:3")));
    ExecResult r = stage0.run(uuid, "--net=none");

    assertEquals(3, r.exitCode(), r.stderr());
    assertEquals(Map.of("server", 143, "job", 3), stage0.status(uuid).appExitCodes());
  }

  @Test
  void anInvalidPodFailsWithOneLineAndNeverCallsXl() throws Exception {
    PodUuid uuid = host.prepare(pod(app("hello", "/fake", "exit:0")));
    Path manifest = host.podDirectory(uuid, PodState.PREPARED).resolve("pod");
    Files.writeString(manifest, Files.readString(manifest).replace("\"user\":\"0\",", ""));
    ExecResult r = stage0.run(uuid, "--net=none");

    assertEquals(254, r.exitCode());
    List<String> lines = r.stderr().strip().lines().toList();
    assertEquals(1, lines.size(), r.stderr());
    assertTrue(lines.get(0).contains("/pod: apps[0].app") && lines.get(0).contains("user"), lines.get(0));
    assertEquals(List.of(), host.xlCalls());
    assertFalse(Files.exists(runDir(uuid).resolve("pid")));
  }

  @Test
  void netHostIsRefusedBeforeXl() throws Exception {
    PodUuid uuid = host.prepare(pod(app("hello", "/fake", "exit:0")));
    ExecResult r = stage0.run(uuid, "--net=host");

    assertEquals(254, r.exitCode());
    assertTrue(r.stderr().contains("--net=host"), r.stderr());
    assertEquals(List.of(), host.xlCalls());
  }

  @Test
  void aFailingXlCreateIsReportedWithItsOutputAndLeavesNoDomain() throws Exception {
    PodUuid uuid = host.prepare(pod(app("hello", "/fake", "exit:0")));
    host.failXl("create", "libxl: error: libxl_create.c: out of memory for the domain");
    ExecResult r = stage0.run(uuid, "--net=none");

    assertEquals(254, r.exitCode());
    assertTrue(r.stderr().contains("out of memory for the domain"), r.stderr());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertEquals(List.of(), host.liveDomains());
  }

  /** Regression (fault injection): a create that failed or timed out after making the domain left it running. */
  @Test
  void anXlCreateThatFailsOrHangsAfterMakingTheDomainLeavesNoDomain() throws Exception {
    PodUuid failed = host.prepare(pod(app("hello", "/fake", "exit:0")));
    host.faultXl("create", "fail-after", 1, null);
    ExecResult r = stage0.run(failed, "--net=none");

    assertEquals(254, r.exitCode());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().contains("device model did not start"), r.stderr());
    assertEquals(List.of(), host.liveDomains());

    PodUuid hung = host.prepare(pod(app("hello", "/fake", "exit:0")));
    host.faultXl("create", "hang-after", 2, null);
    Path config = host.localConfig("xl-timeout-seconds = 2\n");
    ExecResult h = stage0.run(hung, "--net=none", "--local-config=" + config);

    assertEquals(254, h.exitCode());
    assertTrue(h.stderr().contains("did not finish within 2 s"), h.stderr());
    assertEquals(List.of(), host.liveDomains());
    assertTrue(host.xlCalls().contains("destroy " + domain(hung)), host.xlCalls().toString());
  }

  @Test
  void aGuestThatNeverBecomesReadyIsDestroyed() throws Exception {
    host.environment().put("FAKE_GUEST_MODE", "silent");
    PodUuid uuid = host.prepare(pod(app("hello", "/fake", "exit:0")));
    Path config = host.localConfig("readiness-timeout-seconds = 2\n");
    ExecResult r = new Stage0(stage0.dataDir(), host.environment(), host.namespace().enter()).run(uuid, "--net=none",
        "--local-config=" + config);

    assertEquals(254, r.exitCode());
    assertTrue(r.stderr().contains("did not start its apps within 2 s"), r.stderr());
    assertEquals(List.of(), host.liveDomains());
    assertTrue(host.xlCalls().contains("destroy " + domain(uuid)), host.xlCalls().toString());
  }

  @Test
  void aCrashedGuestIsAClearFailureNotASilentZero() throws Exception {
    PodUuid uuid = host.prepare(pod(app("hello", "/fake", "out:about to crash", "sleep:200", "crash")));
    ExecResult r = stage0.run(uuid, "--net=none");

    assertEquals(254, r.exitCode());
    // no xl log here to say how: the line says that the VM is gone and where xl would have logged it
    assertTrue(r.stderr().contains("the pod VM " + domain(uuid) + " ended while its apps ran and is gone"),
        r.stderr());
    assertTrue(r.stderr().contains("/var/log/xen/xl-" + domain(uuid) + ".log"), r.stderr());
  }

  /**
   * While the VM boots, rkt sees a running pod that has not started: no pid, so rkt's enter waits for it (and its
   * status shows no pid or start time), as does the enter entrypoint called by anyone else; both get in once the
   * apps run.
   */
  @Test
  void whileTheVmBootsThePodIsRunningButNotStartedAndEnterWaits() throws Exception {
    Path booted = tmp.resolve("booted");
    PodUuid uuid = host.prepare(pod(app("server", "/fake", "out:up", "hang")));
    CompletableFuture<ExecResult> run = new Stage0(stage0.dataDir(), withEnv("FAKE_GUEST_HOLD", booted.toString()),
        host.namespace().enter())
        .start(uuid, "--net=none");
    Path pod = runDir(uuid);
    assertTrue(FakeHost.eventually(WAIT, () -> host.liveDomains().contains(domain(uuid))),
        "the domain was never created");

    Stage0.PodStatus booting = stage0.status(uuid);
    assertTrue(booting.isRunning(), booting.toString());
    assertFalse(booting.pid().isPresent(), "pid while the VM boots: " + booting);
    assertFalse(Files.exists(pod.resolve("pid")));
    assertFalse(Files.exists(pod.resolve("stage1/rootfs/rkt/supervisor-status")));
    assertTrue(Files.readString(pod.resolve("xen/supervisor")).startsWith("pid="), "no supervisor record");
    CompletableFuture<ExecResult> viaRkt = CompletableFuture.supplyAsync(() -> enter(uuid, "out:entered", "exit:3"));
    CompletableFuture<ExecResult> direct = CompletableFuture.supplyAsync(() -> enterDirectly(pod, "out:direct",
        "exit:4"));
    Thread.sleep(1500);
    assertFalse(viaRkt.isDone(), () -> "rkt's enter did not wait for the booting pod: " + viaRkt.join());
    assertFalse(direct.isDone(), () -> "the enter entrypoint did not wait for the booting pod: " + direct.join());

    Files.writeString(booted, "");
    ExecResult entered = viaRkt.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    ExecResult enteredDirectly = direct.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(3, entered.exitCode(), entered.stderr());
    assertEquals("entered\n", entered.stdout());
    assertEquals(4, enteredDirectly.exitCode(), enteredDirectly.stderr());
    assertEquals("direct\n", enteredDirectly.stdout());
    assertTrue(stage0.status(uuid).pid().isPresent());

    assertEquals(0, stage0.stop(uuid, false).exitCode());
    assertEquals(143, run.get(WAIT.toSeconds(), TimeUnit.SECONDS).exitCode());
    assertFalse(Files.exists(pod.resolve("xen/supervisor")), "the supervisor's record outlived it");
  }

  /** rkt stop while the VM boots: stop finds the supervisor by its own record (there is no pid yet). */
  @Test
  void stopWhileTheVmBootsStopsThePodInOrder() throws Exception {
    ExecResult r = stopWhileTheVmBoots(false);
    assertEquals(143, r.exitCode(), r.stderr());
    assertFalse(host.xlCalls().stream().anyMatch(c -> c.startsWith("shutdown")), host.xlCalls().toString());
  }

  @Test
  void stopForceWhileTheVmBootsKillsThePod() throws Exception {
    ExecResult r = stopWhileTheVmBoots(true);
    assertEquals(137, r.exitCode(), r.stderr());
  }

  private ExecResult stopWhileTheVmBoots(boolean force) throws Exception {
    Path booted = tmp.resolve("booted");
    PodUuid uuid = host.prepare(pod(app("server", "/fake", "out:up", "hang")));
    CompletableFuture<ExecResult> run = new Stage0(stage0.dataDir(), withEnv("FAKE_GUEST_HOLD", booted.toString()),
        host.namespace().enter())
        .start(uuid, "--net=none");
    assertTrue(FakeHost.eventually(WAIT, () -> host.liveDomains().contains(domain(uuid))),
        "the domain was never created");
    ExecResult stop = stage0.stop(uuid, force);
    assertEquals(0, stop.exitCode(), stop.stderr());
    Files.writeString(booted, ""); // the guest reads what the host sent meanwhile
    ExecResult r = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(List.of(), host.liveDomains());
    assertFalse(Files.exists(runDir(uuid).resolve("pid")), "a pod stopped while it booted never started");
    return r;
  }

  private Map<String, String> withEnv(String name, String value) {
    Map<String, String> env = new java.util.HashMap<>(host.environment());
    env.put(name, value);
    return env;
  }

  private ExecResult enter(PodUuid uuid, String... ops) {
    try {
      List<String> command = new ArrayList<>(List.of("/fake"));
      command.addAll(List.of(ops));
      return stage0.enter(uuid, java.util.Optional.of("server"), command);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The pod's enter entrypoint run by hand in the pod directory: a caller that does not wait for pid as rkt does. */
  private ExecResult enterDirectly(Path pod, String... ops) {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec stage1/rootfs/enter \"$@\"",
        pod.toString(), "--pid=1", "--appname=server", "--", "/fake"));
    argv.addAll(List.of(ops));
    try {
      return new io.stage1xen.process.SystemProcessRunner(host.environment()).run(
          io.stage1xen.process.Command.of(WAIT, argv));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void stopAsksThePodToStopInOrder() throws Exception {
    PodUuid uuid = host.prepare(pod(app("server", "/fake", "out:up", "hang")));
    CompletableFuture<ExecResult> run = stage0.start(uuid, "--net=none");
    assertTrue(FakeHost.eventually(WAIT, () -> ready(uuid)), "pod never became ready");
    assertTrue(stage0.status(uuid).isRunning());

    ExecResult stop = stage0.stop(uuid, false);
    assertEquals(0, stop.exitCode(), stop.stderr());
    ExecResult r = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertEquals(143, r.exitCode(), r.stderr());
    assertEquals(Map.of("server", 143), stage0.status(uuid).appExitCodes());
    assertEquals(List.of(), host.liveDomains());
  }

  @Test
  void stopForceDestroysTheDomainAtOnce() throws Exception {
    PodUuid uuid = host.prepare(pod(app("server", "/fake", "hang")));
    CompletableFuture<ExecResult> run = stage0.start(uuid, "--net=none");
    assertTrue(FakeHost.eventually(WAIT, () -> ready(uuid)));

    assertEquals(0, stage0.stop(uuid, true).exitCode());
    ExecResult r = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertEquals(137, r.exitCode(), r.stderr());
    assertTrue(host.xlCalls().contains("destroy " + domain(uuid)));
    assertEquals(List.of(), host.liveDomains());
  }

  /**
   * Regression (concurrency, stop racing a starting run): a stop --force that came while xl create was running found
   * no domain to destroy, and the pod then ran on as if never stopped.
   */
  @Test
  void stopForceWhileTheDomainIsBeingCreatedIsNotLost() throws Exception {
    ExecResult r = stopForceWhileXlIsHeldIn("info");
    assertEquals(254, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("before the domain was created"), r.stderr());
    assertFalse(host.xlCalls().stream().anyMatch(c -> c.startsWith("create")), host.xlCalls().toString());

    ExecResult killed = stopForceWhileXlIsHeldIn("create");

    assertEquals(137, killed.exitCode(), killed.stderr());
    assertEquals(List.of(), host.liveDomains());
  }

  /** A pod's run held inside {@code xl <call>} while stage0 stop --force succeeds; the run's result once xl goes on. */
  private ExecResult stopForceWhileXlIsHeldIn(String call) throws Exception {
    PodUuid uuid = host.prepare(pod(app("server", "/fake", "hang")));
    host.pauseXl(call);
    CompletableFuture<ExecResult> run = stage0.start(uuid, "--net=none");
    host.awaitPausedXl(call, WAIT);
    assertEquals(0, stage0.stop(uuid, true).exitCode());
    host.resumeXl(call);
    return run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void theLockNeverLeaksIntoTheDomainAndGcCleansUpAfterAKilledRun() throws Exception {
    PodUuid uuid = host.prepare(pod(app("server", "/fake", "hang")));
    CompletableFuture<ExecResult> run = stage0.start(uuid, "--net=none");
    assertTrue(FakeHost.eventually(WAIT, () -> ready(uuid)));
    long guest = host.guestPid(domain(uuid));
    Path podDir = runDir(uuid).toRealPath();
    assertFalse(holdsFileUnder(guest, podDir), "the domain's processes hold a descriptor of the pod directory");

    long supervisor = Long.parseLong(Files.readString(runDir(uuid).resolve("pid")));
    ProcessHandle.of(supervisor).orElseThrow().destroyForcibly();
    run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals("exited", stage0.status(uuid).state(), "the lock outlived the run process");
    assertEquals(List.of(domain(uuid)), host.liveDomains(), "SIGKILL cannot clean up; gc must");

    ExecResult gc = stage0.gc(uuid);
    assertEquals(0, gc.exitCode(), gc.stderr());
    assertFalse(gc.stderr().contains("problem performing stage1 GC"), gc.stderr());
    assertEquals(List.of(), host.liveDomains());
    assertFalse(Files.exists(host.podDirectory(uuid, PodState.EXITED_GARBAGE)));
  }

  @Test
  void gcToleratesPodsThatNeverRanAndBrokenManifests() throws Exception {
    PodUuid uuid = host.prepare(pod(app("hello", "/fake", "exit:0")));
    Path manifest = host.podDirectory(uuid, PodState.PREPARED).resolve("pod");
    Files.writeString(manifest, "{not json");
    ExecResult run = stage0.run(uuid, "--net=none");
    assertEquals(254, run.exitCode());

    ExecResult gc = stage0.gc(uuid);
    assertEquals(0, gc.exitCode(), gc.stderr());
    assertFalse(gc.stderr().contains("problem performing stage1 GC"), gc.stderr());
    List<String> destroys = new ArrayList<>(host.xlCalls());
    destroys.removeIf(c -> !c.startsWith("destroy"));
    assertEquals(List.of(), destroys, "there was no domain to destroy");
  }

  private boolean ready(PodUuid uuid) {
    return Files.isSymbolicLink(runDir(uuid).resolve("stage1/rootfs/rkt/supervisor-status"));
  }

  /** Whether any open descriptor of the process (and its descendants) points into the directory. */
  private static boolean holdsFileUnder(long pid, Path dir) throws Exception {
    List<ProcessHandle> all = new ArrayList<>();
    ProcessHandle.of(pid).ifPresent(all::add);
    ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(all::add));
    for (ProcessHandle p : all) {
      Path fds = Path.of("/proc", Long.toString(p.pid()), "fd");
      try (var list = Files.list(fds)) {
        for (Path fd : list.toList()) {
          try {
            Path target = Files.readSymbolicLink(fd);
            if (target.equals(dir)) {
              return true;
            }
          } catch (java.io.IOException e) {
            // closed meanwhile
          }
        }
      }
    }
    return false;
  }
}
