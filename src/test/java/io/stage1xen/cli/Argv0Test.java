package io.stage1xen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.lifecycle.RecordingEntrypoints;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Argv0Test {

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      /var/lib/rkt/pods/run/u/stage1/rootfs/run                     | run
      /var/lib/rkt/pods/run/u/stage1/rootfs/stage1-xen/bin/run      | run
      /var/lib/rkt/cas/tree/deps-sha512-e7/rootfs/enter             | enter
      /var/lib/rkt/pods/exited-garbage/u/stage1/rootfs/gc           | gc
      /var/lib/rkt/pods/run/u/stage1/rootfs/stop                    | stop
      /var/lib/rkt/pods/run/u/stage1/rootfs/app/stop                | app stop
      /var/lib/rkt/pods/run/u/stage1/rootfs/app/add                 | app add
      /var/lib/rkt/pods/run/u/stage1/rootfs/app/rm                  | app rm
      /var/lib/rkt/pods/run/u/stage1/rootfs/app/start               | app start
      app/start                                                     | app start
      run                                                           | run
      ./stop                                                        | stop
      /usr/bin/stage1-xen                                           |
      stage1-xen                                                    |
      /var/lib/rkt/pods/run/u/stage1/rootfs/app/run                 | run
      /var/lib/rkt/pods/run/u/stage1/rootfs/notapp/add              |
      /var/lib/rkt/pods/run/u/stage1/rootfs/app                     |
      ''                                                            |
      """)
  void subcommandFor(String argv0, String expected) {
    List<String> want = expected == null ? List.of() : List.of(expected.split(" "));
    assertEquals(want, Argv0.subcommandFor(argv0));
  }

  @Test
  void dispatchPrefixes() {
    assertArrayEquals(new String[] {"app", "stop", "--app=x"}, Argv0.dispatch("/x/app/stop", new String[] {"--app=x"}));
    assertArrayEquals(new String[] {"stop", "--force", "u"}, Argv0.dispatch("/x/stop", new String[] {"--force", "u"}));
    assertArrayEquals(new String[] {"gc", "u"}, Argv0.dispatch("stage1-xen", new String[] {"gc", "u"}));
    assertArrayEquals(new String[] {}, Argv0.dispatch(null, new String[] {}));
  }

  @Test
  void appStopAndStopReachDifferentEntrypoints() {
    RecordingEntrypoints calls = new RecordingEntrypoints();
    assertEquals(0, CliRun.of(calls, "/p/stage1/rootfs/app/stop", "--debug=false", "--app=hello").exitCode());
    assertEquals(0, CliRun.of(calls, "/p/stage1/rootfs/stop", RunCommandTest.UUID).exitCode());
    assertEquals("AppEntrypointParameters", calls.calls.get(0).getClass().getSimpleName());
    assertEquals("StopParameters", calls.calls.get(1).getClass().getSimpleName());
  }

  @Test
  void helpAndVersionOfTheProgram() {
    CliRun help = CliRun.of(new RecordingEntrypoints(), "/usr/bin/stage1-xen", "--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("Usage: stage1-xen"), help.out());
    for (String sub : List.of("run", "enter", "gc", "stop", "app")) {
      assertTrue(help.out().contains(sub), sub);
    }
    CliRun version = CliRun.of(new RecordingEntrypoints(), "stage1-xen", "--version");
    assertEquals(0, version.exitCode());
    assertTrue(version.out().matches("stage1-xen \\S+\\n"), version.out());
    CliRun runHelp = CliRun.of(new RecordingEntrypoints(), "/p/stage1/rootfs/run", "--help");
    assertEquals(0, runHelp.exitCode());
    assertTrue(runHelp.out().contains("--dns-conf-mode"), runHelp.out());
  }

  @Test
  void programWithoutEntrypointIsAUsageError() {
    CliRun run = CliRun.of(new RecordingEntrypoints(), "stage1-xen");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("missing entrypoint"), run.err());
    CliRun app = CliRun.of(new RecordingEntrypoints(), "stage1-xen", "app");
    assertEquals(2, app.exitCode());
    assertTrue(app.err().contains("missing app entrypoint"), app.err());
  }
}
