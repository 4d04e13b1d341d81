package io.stage1xen.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.process.ExecResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every packaged stage1-xen executable must do, native or JVM: run on the host through the entrypoint
 * symlinks with nothing but the image, dispatch on the link name, keep rkt's descriptors out of its children,
 * honour SIGTERM, log to stderr, and read JSON and tar.gz (which exercises the reflection metadata of a native image).
 */
abstract class PackagedEntrypointChecks {
  @TempDir Path work;

  abstract PackagedImage image();

  private String ep(String name) {
    return image().rootfs.resolve(name).toString();
  }

  private static String describe(ExecResult r) {
    return "exit " + r.exitCode() + "\nstdout: " + r.stdout() + "\nstderr: " + r.stderr();
  }

  @Test
  void theManifestNamesTheFourEntrypointsAndTheAppOnes() {
    assertTrue(image().entrypoints().containsAll(List.of("run", "enter", "gc", "stop", "app/add", "app/rm",
        "app/start", "app/stop")), image().entrypoints().toString());
  }

  @Test
  void everyEntrypointAnswersVersionThroughItsSymlink() throws Exception {
    for (String name : image().entrypoints()) {
      assertTrue(Files.isSymbolicLink(image().rootfs.resolve(name)), name + " is a symlink");
      ExecResult r = image().run(ep(name), "--version");
      assertEquals(0, r.exitCode(), name + ": " + describe(r));
      assertEquals("stage1-xen " + image().version() + "\n", r.stdout(), name);
    }
  }

  @Test
  void theLinkNamePicksTheEntrypoint() throws Exception {
    for (String name : List.of("run", "enter", "gc", "stop")) {
      ExecResult r = image().run(ep(name), "--help");
      assertEquals(0, r.exitCode(), name + ": " + describe(r));
      assertTrue(r.stdout().startsWith("Usage: stage1-xen " + name + " "), name + ": " + r.stdout());
      assertEquals(r.stdout(), image().run(image().executable().toString(), name, "--help").stdout(),
          name + ": the symlink and the first word give the same command");
    }
  }

  @Test
  void theExecutableListsTheEntrypointsButNotTheBuildTools() throws Exception {
    ExecResult r = image().run(image().executable().toString(), "--help");
    assertEquals(0, r.exitCode(), describe(r));
    for (String name : List.of("run", "enter", "gc", "stop", "app")) {
      assertTrue(r.stdout().contains("\n  " + name + " "), name + " in " + r.stdout());
    }
    assertFalse(r.stdout().contains("aci"), r.stdout());
    assertFalse(r.stdout().contains("diag"), r.stdout());
  }

  @Test
  void aUsageErrorIsOneLineOnStderrWithExitCode2() throws Exception {
    ExecResult r = image().run(ep("gc"), "--no-such-option");
    assertEquals(2, r.exitCode(), describe(r));
    assertEquals("", r.stdout());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().startsWith("stage1-xen gc: ") && r.stderr().contains("--no-such-option"), r.stderr());
  }

  @Test
  void aFailureIsOneLineOnStderrWithExitCode254() throws Exception {
    Path missing = work.resolve("missing.aci");
    ExecResult r = image().run(image().executable().toString(), "aci", "verify", missing.toString());
    assertEquals(254, r.exitCode(), describe(r));
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().startsWith("stage1-xen aci verify: "), r.stderr());
  }

  @Test
  void itVerifiesItsOwnImage() throws Exception {
    ExecResult r = image().run(image().executable().toString(), "aci", "verify", "--list", image().aci.toString());
    assertEquals(0, r.exitCode(), describe(r));
    assertTrue(r.stdout().contains(": ok, coreos.com/rkt/stage1-xen " + image().version() + ", "), r.stdout());
    assertTrue(r.stdout().contains("l 0777 0/0 0 rootfs/run -> stage1-xen/bin/stage1-xen\n"), r.stdout());
    assertTrue(r.stdout().contains("d 0755 0/0 0 rootfs/rkt/status/\n"), r.stdout());
  }

  @Test
  void itRunsWithAnEmptyEnvironmentFromAnotherDirectory() throws Exception {
    ExecResult r = image().runWithEnvironment(Map.of(), "/bin/sh", "-c", "cd / && exec \"$0\" --version", ep("run"));
    assertEquals(0, r.exitCode(), describe(r));
    assertEquals("stage1-xen " + image().version() + "\n", r.stdout());
  }

  @Test
  void childrenDoNotInheritAnOpenDescriptor() throws Exception {
    // fd 7 stands for rkt's lock fd (opened without FD_CLOEXEC); xl's daemon must never get it
    String script = "exec 7</; exec \"$@\"";
    ExecResult control = image().run("/bin/sh", "-c", script, "sh", "/bin/ls", "/proc/self/fd");
    assertTrue(control.stdout().lines().toList().contains("7"), "the wrapper passes fd 7 on: " + control.stdout());

    ExecResult r = image().run("/bin/sh", "-c", script, "sh", image().executable().toString(), "diag", "exec", "--",
        "/bin/ls", "/proc/self/fd");
    assertEquals(0, r.exitCode(), describe(r));
    String parent = r.stderr().lines().filter(l -> l.startsWith("diag: parent fds: ")).findFirst().orElseThrow();
    assertTrue(List.of(parent.substring("diag: parent fds: ".length()).split(" ")).contains("7"), parent);
    List<String> child = r.stdout().lines().toList();
    assertTrue(child.containsAll(List.of("0", "1", "2")), r.stdout());
    assertFalse(child.contains("7"), "child inherited fd 7: " + r.stdout());
  }

  @Test
  void childrenGetNoBlockedSignalTheStage1WasNotGiven() throws Exception {
    // a mask survives exec, and vfork passes the stage1's own on (the JDK's fork path clears it since JDK 25): a
    // signal the stage1 blocked itself would reach xl's monitor, which lives as long as the domain, blocked. The
    // stage1 blocks none of its own, so a child gets at most what the stage1's parent gave it (rkt: none).
    ExecResult given = image().run("/bin/grep", "^SigBlk:", "/proc/self/status");
    ExecResult r = image().run(image().executable().toString(), "diag", "exec", "--", "/bin/grep", "^SigBlk:",
        "/proc/self/status");
    assertEquals(0, r.exitCode(), describe(r));
    long parent = Long.parseUnsignedLong(given.stdout().substring("SigBlk:\t".length()).strip(), 16);
    long child = Long.parseUnsignedLong(r.stdout().substring("SigBlk:\t".length()).strip(), 16);
    assertEquals(0, child & ~parent, "signals blocked in the child but not in the stage1's parent: " + describe(r));
  }

  @Test
  void sigtermRunsTheShutdownHooks() throws Exception {
    Path ready = work.resolve("ready");
    String script = "\"$0\" diag await-signal --ready-file \"$1\" --timeout 30 & pid=$!\n"
        + "i=0; while [ ! -s \"$1\" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done\n"
        + "kill -TERM $pid; wait $pid; echo \"exit=$?\"";
    ExecResult r = image().run("/bin/sh", "-c", script, image().executable().toString(), ready.toString());
    assertEquals("exit=143\n", r.stdout(), describe(r));
    assertTrue(r.stderr().contains("diag: shutdown hook ran"), describe(r));
  }

  @Test
  void debugLogsGoToStderr() throws Exception {
    ExecResult r = image().run(image().executable().toString(), "diag", "exec", "--debug", "--", "/bin/true");
    assertEquals(0, r.exitCode(), describe(r));
    assertEquals("", r.stdout());
    assertTrue(r.stderr().contains("DEBUG SystemProcessRunner - exec (interactive): /bin/true"),
        "slf4j-simple logs the process layer: " + r.stderr());
    assertFalse(r.stderr().contains("SLF4J"), "no slf4j provider warnings: " + r.stderr());
  }
}
