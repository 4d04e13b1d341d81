package io.stage1xen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.PodUuid;
import io.stage1xen.lifecycle.RecordingEntrypoints;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.AppAction;
import io.stage1xen.pod.AppEntrypointParameters;
import io.stage1xen.pod.EnterParameters;
import io.stage1xen.pod.GcParameters;
import io.stage1xen.pod.StopParameters;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** enter, gc, stop and app/* with the argv rkt 1.30.0 passes, each parsed into the exact parameters. */
class OtherEntrypointsTest {
  static final String UUID = RunCommandTest.UUID;
  static final PodUuid POD = PodUuid.of(UUID);
  static final String POD_ROOTFS = "/var/lib/rkt/pods/run/" + UUID + "/stage1/rootfs/";
  /** enter runs from rkt's tree store, not from the pod. */
  static final String ENTER_ARGV0 = "/var/lib/rkt/cas/tree/deps-sha512-e7518d0000/rootfs/enter";
  static final String GC_ARGV0 = "/var/lib/rkt/pods/exited-garbage/" + UUID + "/stage1/rootfs/gc";

  static Stream<Arguments> table() {
    Optional<AcName> hello = Optional.of(AcName.of("hello"));
    return Stream.of(
        Arguments.of(ENTER_ARGV0, List.of("--pid=4242", "--appname=hello", "--", "/bin/sh", "-c", "echo entered; exit 3"),
            new EnterParameters(4242, hello, List.of("/bin/sh", "-c", "echo entered; exit 3"))),
        Arguments.of(ENTER_ARGV0, List.of("--pid=4242", "--appname=hello", "--", "/bin/bash"),
            new EnterParameters(4242, hello, List.of("/bin/bash"))),
        Arguments.of(ENTER_ARGV0, List.of("--pid=1", "--app=hello", "--", "ls", "--all", "--", "-x", "@file", "--pid=9",
            "--help", "", "a b"),
            new EnterParameters(1, hello, List.of("ls", "--all", "--", "-x", "@file", "--pid=9", "--help", "", "a b"))),
        Arguments.of(POD_ROOTFS + "enter", List.of("--pid=77", "--", "/usr/bin/systemctl", "daemon-reload"),
            new EnterParameters(77, Optional.empty(), List.of("/usr/bin/systemctl", "daemon-reload"))),
        Arguments.of(GC_ARGV0, List.of("--local-config", "/etc/rkt", UUID),
            new GcParameters(false, Optional.of(Path.of("/etc/rkt")), POD)),
        Arguments.of(GC_ARGV0, List.of("--debug", "--local-config", "/tmp/lc", UUID),
            new GcParameters(true, Optional.of(Path.of("/tmp/lc")), POD)),
        Arguments.of(GC_ARGV0, List.of("--debug", UUID), new GcParameters(true, Optional.empty(), POD)),
        Arguments.of(GC_ARGV0, List.of(UUID), new GcParameters(false, Optional.empty(), POD)),
        Arguments.of(GC_ARGV0, List.of("--local-config=/etc/rkt", UUID),
            new GcParameters(false, Optional.of(Path.of("/etc/rkt")), POD)),
        Arguments.of(POD_ROOTFS + "stop", List.of(UUID), new StopParameters(false, POD)),
        Arguments.of(POD_ROOTFS + "stop", List.of("--force", UUID), new StopParameters(true, POD)),
        Arguments.of(POD_ROOTFS + "app/add", List.of("--debug=false", "--uuid=" + UUID, "--app=hello"),
            new AppEntrypointParameters(AppAction.ADD, false, Optional.of(POD), AcName.of("hello"))),
        Arguments.of(POD_ROOTFS + "app/add", List.of("--debug=true", "--uuid=" + UUID, "--app=second"),
            new AppEntrypointParameters(AppAction.ADD, true, Optional.of(POD), AcName.of("second"))),
        Arguments.of(POD_ROOTFS + "app/start", List.of("--debug=false", "--app=hello"),
            new AppEntrypointParameters(AppAction.START, false, Optional.empty(), AcName.of("hello"))),
        Arguments.of(POD_ROOTFS + "app/stop", List.of("--debug=false", "--app=hello"),
            new AppEntrypointParameters(AppAction.STOP, false, Optional.empty(), AcName.of("hello"))),
        Arguments.of(POD_ROOTFS + "app/rm", List.of("--debug=false", "--app=hello"),
            new AppEntrypointParameters(AppAction.RM, false, Optional.empty(), AcName.of("hello"))));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("table")
  void contractArgv(String argv0, List<String> argv, Object expected) {
    RecordingEntrypoints calls = new RecordingEntrypoints();
    CliRun run = CliRun.of(calls, argv0, argv.toArray(String[]::new));
    assertEquals("", run.err());
    assertEquals(0, run.exitCode());
    assertEquals(expected, calls.only());
  }

  @Test
  void appStopCanSayTheAppWasNotRunning() {
    CliRun run = CliRun.of(RecordingEntrypoints.failing(
        new Stage1Failure(Stage1Failure.Kind.APP_NOT_RUNNING, "app hello is not running")), POD_ROOTFS + "app/stop",
        "--debug=false", "--app=hello");
    assertEquals(5, run.exitCode());
  }

  @Test
  void enterReturnsTheCommandsCode() {
    assertEquals(127, CliRun.of(new RecordingEntrypoints(Outcome.exited(127)), ENTER_ARGV0, "--pid=1", "--appname=a", "--", "nope")
        .exitCode());
  }

  /** The real entrypoints, outside a pod directory (the working directory here has no pod manifest). */
  @Test
  void appEntrypointsOutsideAPodFailWithOneLine() {
    String[][] cases = {
        {POD_ROOTFS + "app/rm", "--debug=false", "--app=x"},
        {POD_ROOTFS + "app/add", "--debug=false", "--uuid=" + UUID, "--app=x"}};
    for (String[] c : cases) {
      java.io.StringWriter err = new java.io.StringWriter();
      int code = Stage1Cli.run(c[0], java.util.Arrays.copyOfRange(c, 1, c.length),
          new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true));
      assertEquals(ExitCodes.FAILURE, code);
      assertTrue(err.toString().contains("/pod"), err.toString());
      assertEquals(1, err.toString().strip().split("\n").length);
    }
  }
}
