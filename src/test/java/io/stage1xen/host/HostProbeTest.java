package io.stage1xen.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ExecutableNotFoundException;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import io.stage1xen.process.ProcessTimeoutException;
import io.stage1xen.process.SystemProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostProbeTest {
  @TempDir Path root;

  /** Answers every command with one scripted outcome and remembers the argv. */
  private static final class OneAnswer implements ProcessRunner {
    final List<List<String>> calls = new ArrayList<>();
    final int exit;
    final String stdout;
    final String stderr;
    final ProcessException failure;

    OneAnswer(int exit, String stdout, String stderr, ProcessException failure) {
      this.exit = exit;
      this.stdout = stdout;
      this.stderr = stderr;
      this.failure = failure;
    }

    @Override
    public ExecResult run(Command command) throws ProcessException {
      calls.add(command.argv());
      if (failure != null) {
        throw failure;
      }
      return new ExecResult(command, exit, stdout, stderr);
    }

    @Override
    public int runInteractive(Command command) {
      throw new AssertionError("not interactive");
    }

    @Override
    public boolean terminate(long pid, Duration grace) {
      throw new AssertionError("no process to terminate");
    }
  }

  private HostProbe probe(ProcessRunner runner) {
    return new HostProbe(runner, root, Duration.ofSeconds(7));
  }

  @Test
  void readsXlInfoAndCpuinfoFromTheRoot() throws Exception {
    Files.createDirectories(root.resolve("proc/xen"));
    Files.writeString(root.resolve("proc/cpuinfo"), Samples.read("cpuinfo-amd-pv-dom0-real.txt"));
    OneAnswer runner = new OneAnswer(0, Samples.read("xl-info-4.17-hvm-real.txt"), "", null);
    HostInfo host = probe(runner).probe();
    assertEquals(List.of(List.of("xl", "info")), runner.calls);
    assertEquals("4.17.7", host.xenVersion().toString());
    assertEquals("AuthenticAMD", host.cpu().vendor());
  }

  @Test
  void unreadableCpuinfoMeansNothingKnown() throws Exception {
    HostInfo host = probe(new OneAnswer(0, Samples.read("xl-info-4.14-hvm.txt"), "", null)).probe();
    assertEquals(CpuFlags.UNKNOWN, host.cpu());
  }

  @Test
  void missingXlNamesThePackage() {
    HostException e = assertThrows(HostException.class,
        () -> probe(new OneAnswer(0, "", "", new ExecutableNotFoundException("xl", "PATH=/usr/bin"))).probe());
    assertEquals(HostProbe.XL_MISSING, e.getMessage());
    assertTrue(e.getMessage().contains("xen-utils-4.17"));
  }

  @Test
  void missingXlWithTheRealRunner() throws IOException {
    Path emptyBin = Files.createDirectory(root.resolve("bin"));
    SystemProcessRunner runner = new SystemProcessRunner(Map.of("PATH", emptyBin.toString()));
    HostException e = assertThrows(HostException.class, () -> probe(runner).probe());
    assertEquals(HostProbe.XL_MISSING, e.getMessage());
  }

  @Test
  void failureWithoutProcXenSaysThisIsNotADom0() {
    HostException e = assertThrows(HostException.class, () -> probe(new OneAnswer(1, "",
        "xc: error: Could not obtain handle on privileged command interface (2 = No such file or directory)\n"
            + "libxl: error: libxl.c:102:libxl_ctx_alloc: cannot open libxc handle: No such file or directory\n"
            + "cannot init xl context\n", null)).probe());
    assertTrue(e.getMessage().startsWith("'xl info' failed (exit 1) and "), e.getMessage());
    assertTrue(e.getMessage().contains("proc/xen does not exist: this machine is not running as a Xen dom0"));
    assertTrue(e.getMessage().endsWith("cannot init xl context"), e.getMessage());
  }

  @Test
  void failureInADom0PointsAtTheServices() throws IOException {
    Files.createDirectories(root.resolve("proc/xen"));
    HostException e = assertThrows(HostException.class,
        () -> probe(new OneAnswer(3, "", "libxl: error: xenstore unreachable\n", null)).probe());
    assertEquals("'xl info' failed (exit 3): are the Xen services (xenstored, xenconsoled) running and is stage1-xen"
        + " running as root?: libxl: error: xenstore unreachable", e.getMessage());
  }

  @Test
  void timeoutIsAClearError() {
    Command cmd = Command.of(Duration.ofSeconds(7), "xl", "info");
    HostException e = assertThrows(HostException.class,
        () -> probe(new OneAnswer(0, "", "", new ProcessTimeoutException(cmd, ""))).probe());
    assertTrue(e.getMessage().startsWith("'xl info' did not answer within 7 s"), e.getMessage());
  }

  private static final String BOOT = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

  private void boot(String id) throws IOException {
    Files.createDirectories(root.resolve("proc/sys/kernel/random"));
    Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), id + "\n");
  }

  @Test
  void theFirstProbeOfABootKeepsXlInfoAndTheNextOnesAskNoXl() throws Exception {
    boot(BOOT);
    OneAnswer runner = new OneAnswer(0, Samples.read("xl-info-4.17-hvm-real.txt"), "", null);
    HostInfo first = probe(runner).probe();
    HostInfo next = probe(runner).probe();

    assertEquals(1, runner.calls.size(), "xl info once: " + runner.calls);
    assertEquals(4544, first.freeMemoryMib().getAsLong());
    assertTrue(next.freeMemoryMib().isEmpty(), "free memory is about now: never from the cache");
    assertEquals(first.xenVersion().toString(), next.xenVersion().toString());
    assertEquals(first.virtCaps(), next.virtCaps());
    assertEquals(first.xenCaps(), next.xenCaps());
    assertEquals(first.nrCpus(), next.nrCpus());
    assertEquals(first.totalMemoryMib(), next.totalMemoryMib());
  }

  @Test
  void theCacheIsRootsOnlyAndHoldsNoFreeMemory() throws Exception {
    boot(BOOT);
    HostProbe probe = probe(new OneAnswer(0, Samples.read("xl-info-4.17-hvm-real.txt"), "", null));
    probe.probe();

    Path cache = probe.cacheFile();
    assertEquals(root.resolve("run/stage1-xen/xl-info"), cache);
    String text = Files.readString(cache);
    assertTrue(text.startsWith("boot_id " + BOOT + "\n"), text);
    assertTrue(text.contains("xen_version"), text);
    assertFalse(text.contains("free_memory"), text);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.getParent())));
    try (var left = Files.list(cache.getParent())) {
      assertEquals(List.of(cache), left.toList(), "no temporary file left");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"another boot", "garbage", "empty"})
  void aCacheOfAnotherBootOrThatDoesNotParseIsAskedAgainAndReplaced(String kind) throws Exception {
    boot(BOOT);
    Path cache = root.resolve("run/stage1-xen/xl-info");
    Files.createDirectories(cache.getParent());
    Files.writeString(cache, switch (kind) {
      case "another boot" -> "boot_id 11111111-2222-3333-4444-555555555555\n"
          + Samples.read("xl-info-4.9-nohvm.txt");
      case "garbage" -> "boot_id " + BOOT + "\nxen_version : not-a-version\n";
      default -> "";
    });
    OneAnswer runner = new OneAnswer(0, Samples.read("xl-info-4.17-hvm-real.txt"), "", null);

    HostInfo host = probe(runner).probe();

    assertEquals(1, runner.calls.size());
    assertEquals("4.17.7", host.xenVersion().toString());
    assertTrue(Files.readString(cache).startsWith("boot_id " + BOOT + "\n"));
  }

  @Test
  void withoutABootIdNothingIsKept() throws Exception {
    OneAnswer runner = new OneAnswer(0, Samples.read("xl-info-4.17-hvm-real.txt"), "", null);
    probe(runner).probe();
    probe(runner).probe();
    assertEquals(2, runner.calls.size());
    assertFalse(Files.exists(root.resolve("run/stage1-xen")));
  }

  @Test
  void probeNowAlwaysAsksXlAndTellsTheFreeMemory() throws Exception {
    boot(BOOT);
    OneAnswer runner = new OneAnswer(0, Samples.read("xl-info-4.17-hvm-real.txt"), "", null);
    probe(runner).probe();
    HostInfo now = probe(runner).probeNow();
    assertEquals(2, runner.calls.size());
    assertEquals(4544, now.freeMemoryMib().getAsLong());
  }

  @Test
  void aCacheThatCannotBeWrittenOnlyCostsTheNextPodAnXlCall() throws Exception {
    boot(BOOT);
    Files.createDirectories(root.resolve("run"));
    Files.writeString(root.resolve("run/stage1-xen"), "a file where the directory should be");
    OneAnswer runner = new OneAnswer(0, Samples.read("xl-info-4.17-hvm-real.txt"), "", null);
    assertEquals("4.17.7", probe(runner).probe().xenVersion().toString());
    assertEquals("4.17.7", probe(runner).probe().xenVersion().toString());
    assertEquals(2, runner.calls.size());
  }
}
