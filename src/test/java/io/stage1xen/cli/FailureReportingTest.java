package io.stage1xen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.lifecycle.RecordingEntrypoints;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.outcome.Stage1Failure;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How what an entrypoint ended with becomes an exit code and a line: ExitCodes and ErrorHandler together. */
class FailureReportingTest {
  private static final String UUID = "5f2a6c1e-8d3b-4a7e-9c10-2b4d6e8f0a13";

  private static CliRun gc(Exception ex, String... debug) {
    String[] args = Stream.concat(Stream.of(debug), Stream.of(UUID)).toArray(String[]::new);
    return CliRun.of(RecordingEntrypoints.failing(ex), "stage1-xen", Stream.concat(Stream.of("gc"), Stream.of(args))
        .toArray(String[]::new));
  }

  static Stream<Arguments> outcomes() {
    return Stream.of(Arguments.of(Outcome.SUCCEEDED, 0), Arguments.of(Outcome.exited(0), 0),
        Arguments.of(Outcome.exited(7), 7), Arguments.of(Outcome.exited(255), 255), Arguments.of(Outcome.KILLED, 137));
  }

  @ParameterizedTest(name = "{0} exits {1}")
  @MethodSource("outcomes")
  void everyOutcomeHasItsCode(Outcome outcome, int code) {
    CliRun run = CliRun.of(new RecordingEntrypoints(outcome), "stage1-xen", "gc", UUID);
    assertEquals(code, run.exitCode(), run.err());
    assertEquals("", run.err());
  }

  static Stream<Arguments> kinds() {
    return Stream.of(Arguments.of(Stage1Failure.Kind.FAILED, 254), Arguments.of(Stage1Failure.Kind.USAGE, 2),
        Arguments.of(Stage1Failure.Kind.APP_NOT_RUNNING, 5));
  }

  @ParameterizedTest(name = "{0} exits {1}")
  @MethodSource("kinds")
  void aFailureIsItsOwnLineWithTheCodeOfItsKind(Stage1Failure.Kind kind, int code) {
    CliRun run = gc(new Stage1Failure(kind, "pod 1: the thing\nthat broke"), "--debug=true");
    assertEquals(code, run.exitCode());
    assertEquals("stage1-xen gc: pod 1: the thing that broke\n", run.err().replace("\r", ""));
  }

  @Test
  void aBugSaysItIsOneAndShowsItsStackOnlyWithDebug() {
    CliRun plain = gc(new NullPointerException("app is null"));
    assertEquals(254, plain.exitCode());
    assertEquals(1, plain.err().strip().split("\n").length, plain.err());
    assertTrue(plain.err().contains("internal error (a bug in stage1-xen): java.lang.NullPointerException: app is null"
        + " (rerun with --debug for the stack trace)"), plain.err());

    CliRun debug = gc(new NullPointerException("app is null"), "--debug=true");
    assertTrue(debug.err().contains("\tat "), debug.err());
  }

  @Test
  void theJdksArgumentAndStateExceptionsAreBugsNow() {
    for (Exception ex : new Exception[] {new IllegalArgumentException("x"), new IllegalStateException("y")}) {
      CliRun run = gc(ex);
      assertEquals(254, run.exitCode());
      assertTrue(run.err().contains("internal error (a bug in stage1-xen): " + ex), run.err());
      assertFalse(run.err().contains("\tat "), run.err());
    }
  }

  @Test
  void anIoErrorIsToldByItsMessageNotAsABug() {
    CliRun run = gc(new IOException("cannot write /p/xen/domain.cfg: No space left on device"));
    assertEquals(254, run.exitCode());
    assertEquals("stage1-xen gc: I/O failure: cannot write /p/xen/domain.cfg: No space left on device (rerun with"
        + " --debug for the stack trace)\n", run.err().replace("\r", ""));

    CliRun missing = gc(new java.nio.file.NoSuchFileException("/p/pod"));
    assertTrue(missing.err().contains("I/O failure: /p/pod: no such file or directory"), missing.err());
    assertFalse(missing.err().contains("Exception"), missing.err());
  }
}
