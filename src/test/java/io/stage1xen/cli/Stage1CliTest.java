package io.stage1xen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Stage1CliTest {
  record Result(int code, String out, String err) {}

  static Result run(String argv0, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Stage1Cli.run(argv0, args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpListsTheEntrypointsButNotTheBuildTools() {
    Result r = run("stage1-xen", "--help");
    assertEquals(ExitCodes.OK, r.code());
    assertTrue(r.out().startsWith("Usage: stage1-xen"), r.out());
    for (String ep : new String[] {"run", "enter", "gc", "stop", "app"}) {
      assertTrue(r.out().contains("\n  " + ep + " "), ep + " missing from: " + r.out());
    }
    assertFalse(r.out().contains("aci"), r.out());
    assertFalse(r.out().contains("diag"), r.out());
  }

  @Test
  void versionComesFromTheBuild() throws Exception {
    Result r = run("stage1-xen", "--version");
    assertEquals(ExitCodes.OK, r.code());
    assertEquals("stage1-xen " + VersionProvider.version() + System.lineSeparator(), r.out());
    assertTrue(VersionProvider.version().matches("\\d+\\.\\d+\\.\\d+.*"), VersionProvider.version());
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "enter", "gc", "stop", "app/add", "app/stop"})
  void everyEntrypointAnswersVersion(String ep) throws Exception {
    Result r = run("/x/rootfs/" + ep, "--version");
    assertEquals(ExitCodes.OK, r.code());
    assertEquals("stage1-xen " + VersionProvider.version() + System.lineSeparator(), r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "enter", "gc", "stop"})
  void symlinkNameAndFirstWordReachTheSameCommand(String ep) {
    Result viaSymlink = run("/var/lib/rkt/pods/run/u/stage1/rootfs/" + ep, "--help");
    Result viaWord = run("/opt/stage1-xen/bin/stage1-xen", ep, "--help");
    assertEquals(ExitCodes.OK, viaSymlink.code());
    assertTrue(viaSymlink.out().startsWith("Usage: stage1-xen " + ep), viaSymlink.out());
    assertEquals(viaWord, viaSymlink);
  }

  @Test
  void appEntrypointsDispatchOnTheirParentDirectory() {
    Result viaSymlink = run("/x/rootfs/app/add", "--help");
    assertEquals(ExitCodes.OK, viaSymlink.code());
    assertTrue(viaSymlink.out().startsWith("Usage: stage1-xen app add"), viaSymlink.out());
    assertEquals(run("stage1-xen", "app", "add", "--help"), viaSymlink);
  }

  @Test
  void unknownOptionIsAUsageErrorOnOneLine() {
    Result r = run("/x/rootfs/gc", "--no-such-option", "0f31ac7c-0f1b-4b6c-a0ab-3b9c1bb0d4a2");
    assertEquals(ExitCodes.USAGE, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("stage1-xen gc: "), r.err());
    assertTrue(r.err().contains("--no-such-option"), r.err());
  }

  @Test
  void noEntrypointIsAUsageError() {
    Result r = run("stage1-xen");
    assertEquals(ExitCodes.USAGE, r.code());
    assertTrue(r.err().contains("missing entrypoint"), r.err());
  }
}
