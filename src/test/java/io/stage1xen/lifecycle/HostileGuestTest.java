package io.stage1xen.lifecycle;

import static io.stage1xen.lifecycle.TestPods.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.ExecResult;
import io.stage1xen.testing.FakeHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A pod VM that turns against dom0 through its control channel, through the stage0 emulator and the real run
 * entrypoint: log text that would drive the operator's terminal or forge lines, an exit status outside 0..255, and
 * a guest that stops reading its channel while stdin is being relayed to it and then gets a stop.
 */
class HostileGuestTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path tmp;
  private FakeHost host;
  private Path config;

  @BeforeEach
  void setUp() throws Exception {
    host = new FakeHost(tmp);
    config = host.localConfig("stop-grace-seconds = 1\n");
  }

  @Test
  void guestLogTextCannotDriveTheTerminalOrForgeLines() throws Exception {
    // JSON escapes: the app's argv, and so the fake guest's LOG text, holds the raw control characters
    String hostile = "log:\\u001b]0;owned\\u0007\\u001b[2J\\rWARNING forged\\nrun: forged error\\u009b31m"
        + "\\u2028\\u202eevil";
    PodUuid uuid = host.prepare(pod(TestPods.app("app", TestPods.fakeExec(hostile, "out:done", "exit:0"))));

    ExecResult r = host.stage0().run(uuid, "--net=none", "--local-config=" + config);

    assertEquals(0, r.exitCode(), r.stderr());
    String err = r.stderr();
    for (char c : new char[] {'\u001b', '\u0007', '\r', '\u009b', '\u2028', '\u202e'}) {
      assertEquals(-1, err.indexOf(c), "U+" + Integer.toHexString(c) + " reached stderr: " + err);
    }
    List<String> guestLines = err.lines().filter(l -> l.contains("guest:")).toList();
    assertEquals(List.of("ERROR guest: \\u001b]0;owned\\u0007\\u001b[2J\\rWARNING forged\\nrun: forged error"
        + "\\u009b31m\\u2028\\u202eevil"), guestLines, err);
    assertFalse(err.lines().anyMatch(l -> l.startsWith("WARNING forged") || l.startsWith("run: forged")), err);
    assertEquals("done\n", r.stdout(), "the app's own output stays byte-exact");
  }

  @Test
  void anExitStatusOutsideZeroTo255IsAFailureNotSuccess() throws Exception {
    // 256 is 0 modulo 256: taken as it came it would have been the run's exit code, read as success
    PodUuid uuid = host.prepare(pod(TestPods.app("app", TestPods.fakeExec("exit:256"))));

    ExecResult r = host.stage0().run(uuid, "--net=none", "--local-config=" + config);

    assertEquals(254, r.exitCode(), r.stderr());
    List<String> errors = FaultBench.errorLines(r.stderr());
    assertEquals(1, errors.size(), r.stderr());
    assertTrue(errors.get(0).contains("the pod VM broke the control protocol (the guest sent EXITED for session 1"
        + " with status 256; an exit status is 4 bytes holding 0 to 255); its domain was destroyed"), errors.get(0));
    assertFalse(Files.exists(host.podDirectory(uuid, PodState.EXITED_GARBAGE).resolve(
        "stage1/rootfs/rkt/status/app")) || Files.exists(host.podDirectory(uuid, PodState.RUN).resolve(
        "stage1/rootfs/rkt/status/app")), "no status recorded from a violation");
    assertEquals(List.of(), host.liveDomains());
  }

  @Test
  void aStopEndsAPodWhoseGuestStoppedReadingWhileStdinIsRelayed() throws Exception {
    PodUuid uuid = host.prepare(pod(TestPods.app("app", TestPods.fakeExec("deaf", "hang"))));
    byte[] flood = new byte[16 << 20]; // far more than the socket's buffers: the stdin relay blocks in a write
    CompletableFuture<ExecResult> run = CompletableFuture.supplyAsync(() -> {
      try {
        return host.stage0().runWithStdin(uuid, flood, "--net=none", "--interactive", "--local-config=" + config);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Path ready = host.podDirectory(uuid, PodState.RUN).resolve("stage1/rootfs/rkt/supervisor-status");
    assertTrue(FakeHost.eventually(WAIT, () -> Files.isSymbolicLink(ready)), "the pod never got ready");
    Thread.sleep(1000); // the relay fills the socket and blocks

    ExecResult stop = host.stage0().stop(uuid, false);
    // before, the stop request waited behind the blocked stdin write, before its watchdog existed: never ended
    ExecResult result = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertEquals(0, stop.exitCode(), stop.stderr());
    assertTrue(result.stderr().contains("could not ask the pod VM to stop (the other end has not read for 5000 ms"),
        "the request gave up on its own bound: " + result.stderr());
    assertEquals(List.of(), host.liveDomains(), "the domain was destroyed");
    assertTrue(host.xlCalls().stream().anyMatch(c -> c.startsWith("destroy ")), host.xlCalls().toString());
  }

  @Test
  void aGuestThatDoesNotAnswerAStopIsDestroyedWithoutWaitingForTheGracePeriod() throws Exception {
    PodUuid uuid = host.prepare(pod(TestPods.app("app", TestPods.fakeExec("deaf", "hang"))));
    CompletableFuture<ExecResult> run = CompletableFuture.supplyAsync(() -> {
      try {
        return host.stage0().run(uuid, "--net=none", "--local-config=" + config);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Path ready = host.podDirectory(uuid, PodState.RUN).resolve("stage1/rootfs/rkt/supervisor-status");
    assertTrue(FakeHost.eventually(WAIT, () -> Files.isSymbolicLink(ready)), "the pod never got ready");

    // the request fits in the socket's buffer, so it is sent; a paused guest just never reads it
    ExecResult stop = host.stage0().stop(uuid, false);
    ExecResult result = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertEquals(0, stop.exitCode(), stop.stderr());
    assertTrue(result.stderr().contains("the pod VM did not answer the stop request within 2 s (its guest stopped"
        + " reading its control channel); destroying it"), result.stderr());
    assertFalse(result.stderr().contains("did not stop within"), "the grace period's watchdog was not needed: "
        + result.stderr());
    // a stop the guest did not carry out ends as a kill, like rkt stop --force, not as a VM destroyed by someone else
    assertEquals(137, result.exitCode(), result.stderr());
    assertFalse(result.stderr().contains("destroyed from outside"), result.stderr());
    assertEquals(List.of(), host.liveDomains(), "the domain was destroyed");
  }

  @ParameterizedTest
  @CsvSource({"0, 2", "1, 2", "3, 3", "5, 5", "30, 5"})
  void aStopIsAnsweredWithinTheGracePeriodBetweenTwoAndFiveSeconds(int graceSeconds, int answerSeconds) {
    assertEquals(Duration.ofSeconds(answerSeconds), StopController.stopAnswerTimeout(Duration.ofSeconds(graceSeconds)));
  }
}
