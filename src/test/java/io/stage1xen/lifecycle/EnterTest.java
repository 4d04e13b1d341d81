package io.stage1xen.lifecycle;

import static io.stage1xen.lifecycle.TestPods.app;
import static io.stage1xen.lifecycle.TestPods.pod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.SystemProcessRunner;
import io.stage1xen.stage0.Stage0;
import io.stage1xen.testing.FakeHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** enter end to end: through stage0's enter (exec'd from the tree store), the supervisor's relay and a fake guest. */
class EnterTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private FakeHost host;
  private Stage0 stage0;
  private PodUuid uuid;
  private CompletableFuture<ExecResult> run;

  @BeforeEach
  void startPod() throws Exception {
    host = new FakeHost(tmp);
    stage0 = host.stage0();
    uuid = host.prepare(pod(app("web", "/fake", "hang"), app("db", "/fake", "hang")));
    run = stage0.start(uuid, "--net=none");
    Path ready = host.podDirectory(uuid, PodState.RUN).resolve("stage1/rootfs/rkt/supervisor-status");
    assertTrue(FakeHost.eventually(WAIT, () -> Files.isSymbolicLink(ready)), "pod never became ready");
  }

  @AfterEach
  void stopPod() throws Exception {
    try {
      stage0.stop(uuid, false);
      run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      host.close();
    }
  }

  @Test
  void theCommandsOutputAndExitCodeAreEntersOwn() throws Exception {
    ExecResult r = stage0.enter(uuid, Optional.of("web"), List.of("/fake", "out:inside", "err:oops", "exit:3"));
    assertEquals(3, r.exitCode(), r.stderr());
    assertEquals("inside\n", r.stdout());
    assertTrue(r.stderr().endsWith("oops\n"), r.stderr());
  }

  @Test
  void stdinIsPipedAndBinaryOutputStaysExact() throws Exception {
    ExecResult cat = enterWithStdin("hello\nworld\n".getBytes(StandardCharsets.UTF_8), "web", "/fake", "cat");
    assertEquals(0, cat.exitCode(), cat.stderr());
    assertEquals("hello\nworld\n", cat.stdout());

    Path out = tmp.resolve("bytes.out");
    ExecResult bytes = new SystemProcessRunner(host.environment()).run(Command.of(WAIT, "sh", "-c",
        "\"$0\" enter --data-dir \"$1\" --uuid \"$2\" --app web -- /fake bytes:100000 > \"$3\"",
        Stage0.SCRIPT.toString(), stage0.dataDir().toString(), uuid.toString(), out.toString()));
    assertEquals(0, bytes.exitCode(), bytes.stderr());
    byte[] expected = new byte[100_000];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (byte) i;
    }
    assertArrayEquals(expected, Files.readAllBytes(out));
  }

  @Test
  void severalEntersRunAtOnce() throws Exception {
    List<CompletableFuture<ExecResult>> all = List.of(
        CompletableFuture.supplyAsync(() -> enterQuietly("web", "/fake", "sleep:500", "out:first", "exit:1")),
        CompletableFuture.supplyAsync(() -> enterQuietly("db", "/fake", "sleep:500", "out:second", "exit:2")),
        CompletableFuture.supplyAsync(() -> enterQuietly("web", "/fake", "sleep:500", "out:third", "exit:3")));
    for (int i = 0; i < all.size(); i++) {
      ExecResult r = all.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(i + 1, r.exitCode(), r.stderr());
      assertEquals(List.of("first", "second", "third").get(i) + "\n", r.stdout());
    }
  }

  @Test
  void anUnknownAppFailsWithOneLine() throws Exception {
    // rkt itself refuses an app that is not in the pod; a caller that skips rkt gets the guest's answer
    ExecResult r = enterDirectly(host.podDirectory(uuid, PodState.RUN), "--pid=1", "--appname=nosuch", "--",
        "/fake", "exit:0");
    assertEquals(125, r.exitCode());
    assertTrue(r.stderr().contains("no app 'nosuch'"), r.stderr());
  }

  @Test
  void enterIntoAPodThatIsNotRunningFailsWithOneLine() throws Exception {
    PodUuid other = host.prepare(pod(app("web", "/fake", "exit:0")));
    ExecResult r = enterDirectly(host.podDirectory(other, PodState.PREPARED), "--pid=1", "--appname=web", "--",
        "/fake", "exit:0");
    assertEquals(254, r.exitCode());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().contains("is not running: its run has exited (or never started)"), r.stderr());
  }

  /**
   * A caller other than rkt while the pod starts: enter waits while the run supervisor lives, up to the deadline the
   * supervisor recorded plus a margin, then gives up with one line saying how long it waited and what to raise. A
   * record whose process is not that pod's supervisor (another working directory, or a recycled pid) is no
   * supervisor: the pod is not running.
   */
  @Test
  void enterGivesUpOnAStartingPodPastItsSupervisorsDeadline() throws Exception {
    PodUuid other = host.prepare(pod(app("web", "/fake", "exit:0")));
    Path dir = host.podDirectory(other, PodState.PREPARED);
    Files.createDirectories(dir.resolve("xen"));
    Process supervisor = new ProcessBuilder("sleep", "120").directory(dir.toFile()).start();
    try {
      long past = System.currentTimeMillis() - EnterClient.READY_MARGIN.toMillis() - 5_000;
      Files.writeString(dir.resolve("xen/supervisor"), "pid=" + supervisor.pid() + "\nready-by=" + past + "\n");
      ExecResult late = enterDirectly(dir, "--pid=1", "--appname=web", "--", "/fake", "exit:0");
      assertEquals(254, late.exitCode());
      assertEquals(1, late.stderr().strip().lines().count(), late.stderr());
      assertTrue(late.stderr().contains("did not become ready: waited "), late.stderr());
      assertTrue(late.stderr().contains("(pid " + supervisor.pid() + ")"), late.stderr());
      assertTrue(late.stderr().contains("raise readiness-timeout-seconds"), late.stderr());

      Files.writeString(dir.resolve("xen/supervisor"), "pid=" + ProcessHandle.current().pid() + "\n");
      ExecResult notOurs = enterDirectly(dir, "--pid=1", "--appname=web", "--", "/fake", "exit:0");
      assertEquals(254, notOurs.exitCode());
      assertTrue(notOurs.stderr().contains("is not running: its run has exited"), notOurs.stderr());
    } finally {
      supervisor.destroyForcibly();
    }
  }

  /** The pod's enter entrypoint run by hand in a pod directory, as rkt would run it but without rkt's checks. */
  private ExecResult enterDirectly(Path podDir, String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec stage1/rootfs/enter \"$@\"",
        podDir.toString()));
    argv.addAll(List.of(args));
    return new SystemProcessRunner(host.environment()).run(Command.of(WAIT, argv));
  }

  /** The enter entrypoint process of this pod (exec'd by stage0, so its cwd is the pod directory). */
  private Optional<Long> enterPid() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("io.stage1xen.Main") && c.contains("--appname=web"))
            .orElse(false))
        .map(ProcessHandle::pid).findFirst();
  }

  private ExecResult enterQuietly(String app, String... command) {
    try {
      return stage0.enter(uuid, Optional.of(app), List.of(command));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private ExecResult enterWithStdin(byte[] stdin, String app, String... command) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of(Stage0.SCRIPT.toString(), "enter", "--data-dir",
        stage0.dataDir().toString(), "--uuid", uuid.toString(), "--app", app, "--"));
    argv.addAll(List.of(command));
    return new SystemProcessRunner(host.environment()).run(Command.of(WAIT, argv).withStdin(stdin));
  }
}
