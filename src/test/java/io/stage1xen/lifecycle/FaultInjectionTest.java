package io.stage1xen.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.ExecResult;
import io.stage1xen.testing.FakeHost;
import io.stage1xen.testing.MountNamespace;
import io.stage1xen.testing.ReliabilityLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults injected into a pod's life, through the stage0 emulator (real exec, signals and lock) with a pod that holds
 * a domain, real bind mounts, an address and host rules ({@link FaultBench}): xl failing, hanging and crashing at
 * each call, the 9pfs backend missing, a guest that never gets ready, the disk full while the pod's files are
 * written, SIGTERM and SIGKILL of run at each step, gc killed and run again. Each scenario records its exit code
 * and message in target/reliability/faults.tsv and must leave nothing of the pod once gc ran — and nothing after
 * run itself unless the scenario says why (a killed run cannot clean up; gc must).
 */
@Tag("faults")
class FaultInjectionTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static ReliabilityLog log;

  @TempDir Path tmp;
  private FaultBench bench;

  @BeforeAll
  static void startLog() {
    log = ReliabilityLog.start("faults");
  }

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeTrue(MountNamespace.available(), "bind mounts need root, unshare and nsenter");
  }

  @AfterEach
  void tearDown() {
    if (bench != null) {
      bench.close();
    }
  }

  /** A bind of an app's root onto itself, in rkt's tree of the pod. */
  private static final Pattern KEPT_FOR_GC =
      Pattern.compile("mount /.*/pods/run/[0-9a-f-]{36}/stage1/rootfs/opt/stage2/[a-z0-9-]+/rootfs");

  /** What one scenario showed, checked and logged the same way for all. */
  private void verdict(String scenario, ExecResult run, int expectedCode, String messagePart,
      List<String> leftAfterRun, boolean runMayLeave, PodUuid uuid) throws Exception {
    List<String> problems = new ArrayList<>();
    List<String> errors = FaultBench.errorLines(run.stderr());
    if (run.exitCode() != expectedCode) {
      problems.add("exit " + run.exitCode() + ", expected " + expectedCode);
    }
    if (expectedCode == 254 && errors.size() != 1) {
      problems.add(errors.size() + " error lines");
    }
    if (messagePart != null && errors.stream().noneMatch(l -> l.contains(messagePart))) {
      problems.add("no error line says '" + messagePart + "'");
    }
    if (run.stderr().contains("\tat ") || run.stderr().contains("Exception")) {
      problems.add("a stack trace or exception name on stderr");
    }
    // rkt's path of an app's root (here --no-overlay: bound onto itself nosuid,nodev) stays closed until gc, which
    // must release it like everything else
    List<String> unexpected = leftAfterRun.stream().filter(l -> !KEPT_FOR_GC.matcher(l).matches()).toList();
    if (!runMayLeave && !unexpected.isEmpty()) {
      problems.add("run left " + unexpected);
    }
    ExecResult gc = bench.stage0.gc(uuid, "--local-config", bench.config.toString());
    if (gc.exitCode() != 0 || gc.stderr().contains("problem performing stage1 GC")) {
      problems.add("gc failed: " + gc.stderr().strip());
    }
    List<String> leftAfterGc = bench.leftovers();
    if (!leftAfterGc.isEmpty()) {
      problems.add("gc left " + leftAfterGc);
    }
    String message = errors.isEmpty() ? "" : errors.get(errors.size() - 1);
    log.row("faults", scenario, 1, problems.isEmpty() ? 1 : 0, 0, "exit " + run.exitCode() + "; "
        + (message.isEmpty() ? "no error" : message.replace(bench.root.toString(), "<tmp>")) + "; after run: "
        + (leftAfterRun.isEmpty() ? "nothing left" : kinds(leftAfterRun) + " left for gc") + "; after gc: "
        + (leftAfterGc.isEmpty() ? "nothing left" : leftAfterGc));
    assertTrue(problems.isEmpty(), scenario + ": " + problems + "\nstderr:\n" + run.stderr());
  }

  /** "1 domain, 2 mounts, 1 lease": what was left, by kind (the first word of each leftover). */
  private static String kinds(List<String> left) {
    Map<String, Integer> n = new java.util.LinkedHashMap<>();
    left.forEach(l -> n.merge(l.split(" ")[0], 1, Integer::sum));
    List<String> out = new ArrayList<>();
    n.forEach((kind, count) -> out.add(count + " " + kind + (count > 1 ? "s" : "")));
    return String.join(", ", out);
  }

  static Stream<Arguments> xlFaults() {
    return Stream.of(
        // sub, mode, call, exit code, message part, may run leave something (then gc must collect it)
        Arguments.of("info", "fail", 1, 254, "'xl info' failed", false),
        Arguments.of("info", "hang", 1, 254, "'xl info' did not answer within 3 s", false),
        Arguments.of("info", "crash", 1, 254, "'xl info' failed", false),
        Arguments.of("create", "fail", 1, 254, "injected failure of create", false),
        Arguments.of("create", "hang", 1, 254, "xl create", false),
        Arguments.of("create", "crash", 1, 254, "xl create", false),
        Arguments.of("create", "fail-after", 1, 254, "device model did not start", false),
        Arguments.of("create", "hang-after", 1, 254, "xl create", false),
        Arguments.of("domid", "fail", 1, 254, "injected failure of domid", false),
        Arguments.of("domid", "hang", 1, 254, "xl domid", false),
        Arguments.of("domid", "crash", 1, 254, "xl domid", false),
        // the paused domain with its filtered vifs is destroyed, the networks released
        Arguments.of("unpause", "fail", 1, 254, "injected failure of unpause", false),
        Arguments.of("unpause", "hang", 1, 254, "xl unpause", false),
        Arguments.of("unpause", "crash", 1, 254, "xl unpause", false),
        // the domain is gone by then: a failing check of that is a warning, the pod's result stands
        Arguments.of("domid", "fail", 2, 0, null, false),
        Arguments.of("domid", "crash", 2, 0, null, false));
  }

  @ParameterizedTest(name = "xl {0} {1}s at call {2}")
  @MethodSource("xlFaults")
  void xlFailingHangingOrCrashingAtEachCall(String sub, String mode, int call, int code, String message,
      boolean mayLeave) throws Exception {
    bench = new FaultBench(tmp);
    PodUuid uuid = bench.prepare("out:hello", "exit:0");
    bench.host.faultXl(sub, mode, call, null);

    ExecResult run = bench.run(uuid);

    verdict("xl " + sub + " " + mode + " at call " + call, run, code, message, bench.leftovers(), mayLeave, uuid);
  }

  @Test
  void destroyFailingAfterAFailedStartLeavesTheDomainToGc() throws Exception {
    bench = new FaultBench(tmp);
    PodUuid uuid = bench.prepare("out:hello", "exit:0");
    bench.host.faultXl("destroy", "fail", 1, null);
    ExecResult run = bench.stage0With(Map.of("FAKE_GUEST_MODE", "silent")).run(uuid, bench.runFlags());

    List<String> left = bench.leftovers();
    assertEquals(List.of("domain rkt-" + uuid), left.stream().filter(l -> l.startsWith("domain")).toList(),
        "run could not destroy it, and said so");
    verdict("xl destroy fails after the guest never got ready", run, 254, "did not start its apps within 4 s", left,
        true, uuid);
  }

  @Test
  void theNinePfsBackendMissing() throws Exception {
    bench = new FaultBench(tmp);
    PodUuid uuid = bench.prepare("out:hello", "exit:0");
    // libxl's report when QEMU for Xen (the 9pfs and channel backend) cannot be started; libxl removes the domain
    bench.host.faultXl("create", "fail", 1, "libxl: error: libxl_dm.c:3143:device_model_spawn_outcome: Domain 7:"
        + "domain 7 device model: spawn failed (rc=-3)\nlibxl: error: libxl_create.c:1896:domcreate_devmodel_started:"
        + " Domain 7:device model did not start: -3\nlibxl: error: libxl_domain.c:1183:libxl__destroy_domid: Domain 7:"
        + "Non-existant domain\n");

    ExecResult run = bench.run(uuid);

    verdict("9pfs backend (QEMU for Xen) missing", run, 254, "device model", bench.leftovers(), false, uuid);
  }

  @Test
  void aGuestThatNeverReportsReadiness() throws Exception {
    bench = new FaultBench(tmp);
    PodUuid uuid = bench.prepare("out:hello", "exit:0");

    ExecResult run = bench.stage0With(Map.of("FAKE_GUEST_MODE", "silent")).run(uuid, bench.runFlags());

    verdict("guest never ready", run, 254, "did not start its apps within 4 s", bench.leftovers(), false, uuid);
  }

  /**
   * The domain is destroyed while xl create spawns its QEMU, and that QEMU lives on (seen on Xen 4.17): the channel
   * stays open and never says hello. The run must find the domain gone instead of waiting out its readiness timeout
   * (60 s here), say so in one line, and end the orphaned QEMU; nothing is left.
   */
  @Test
  void aDomainDestroyedWhileItsQemuWasSpawnedEndsTheRunAndItsQemu() throws Exception {
    bench = new FaultBench(tmp);
    Files.writeString(bench.config.resolve("stage1-xen/host.conf"),
        "readiness-timeout-seconds = 60\nxl-timeout-seconds = 3\nstop-grace-seconds = 1\n");
    PodUuid uuid = bench.prepare("out:up", "hang");

    ExecResult run = bench.stage0With(Map.of("FAKE_GUEST_DIE", "accept:orphaned")).run(uuid, bench.runFlags());

    Path orphan = bench.host.xenState().resolve("orphan-rkt-" + uuid);
    assertTrue(Files.exists(orphan), "the fake QEMU never lost its domain: " + run.stderr());
    long qemu = Long.parseLong(Files.readString(orphan).strip());
    assertFalse(ProcessHandle.of(qemu).map(ProcessHandle::isAlive).orElse(false), "the orphaned QEMU still runs");
    assertTrue(run.stderr().contains("ending the device model (QEMU, pid " + qemu + ")"), run.stderr());
    assertFalse(run.stderr().contains("did not start its apps within"), run.stderr());
    verdict("domain destroyed while its QEMU was spawned", run, 254, "ended before its apps started and is gone",
        bench.leftovers(), false, uuid);
  }

  /**
   * The domain is destroyed under xl create, which fails with libxl's lines about the console, and its QEMU lives
   * on (seen on Xen 4.17). That QEMU ran, so the line names the destruction, not QEMU; the QEMU is ended.
   */
  @Test
  void aDomainDestroyedUnderXlCreateIsNamedAndItsQemuEnded() throws Exception {
    bench = new FaultBench(tmp);
    PodUuid uuid = bench.prepare("out:up", "hang");
    bench.host.faultXl("create", "orphan-after", 1, null);

    ExecResult run = bench.run(uuid);

    long qemu = Long.parseLong(Files.readString(bench.host.xenState().resolve("orphan-rkt-" + uuid)).strip());
    assertFalse(ProcessHandle.of(qemu).map(ProcessHandle::isAlive).orElse(false), "the orphaned QEMU still runs");
    verdict("domain destroyed under xl create, its QEMU alive", run, 254,
        "was destroyed from outside (xl destroy, or another toolstack) while xl create was making it; its QEMU (pid "
            + qemu + ") outlived it and was ended", bench.leftovers(), false, uuid);
  }

  static Stream<Arguments> vmDeaths() {
    return Stream.of(
        // step of the start, how the VM dies, what the one line must say
        Arguments.of("create", "destroyed", "was destroyed from outside"),
        Arguments.of("vif", "destroyed", "was destroyed from outside"),
        Arguments.of("accept", "destroyed", "was destroyed from outside"),
        Arguments.of("accept", "crash", "crashed before its apps started"),
        Arguments.of("plan", "destroyed", "was destroyed from outside"),
        Arguments.of("plan", "crash", "crashed before its apps started"),
        Arguments.of("plan", "triple-fault", "v0 Triple fault - invoking HVM shutdown action"),
        Arguments.of("running", "crash", "crashed while its apps ran"));
  }

  /**
   * The pod's VM dies at a step of its start (or while its apps run): right after xl create, while dom0's end of its
   * vif is set up, when run connects to its channel, once the guest said hello and got its plan. The one line says
   * that the VM died and how (from xl's monitor log, Xen's console, the guest's console), never what the start
   * tripped over next; nothing is left.
   */
  @ParameterizedTest(name = "the VM dies ({1}) at {0}")
  @MethodSource("vmDeaths")
  void theVmDyingDuringItsStartIsReportedAsSuch(String step, String how, String says) throws Exception {
    bench = new FaultBench(tmp);
    PodUuid uuid = bench.prepare("out:up", step.equals("running") ? "crash" : "hang");
    String domain = "rkt-" + uuid;
    Map<String, String> env = new java.util.HashMap<>();
    if (step.equals("create")) {
      bench.host.faultXl("create", "vanish-after", 1, null);
    } else if (List.of("accept", "plan").contains(step)) {
      env.put("FAKE_GUEST_DIE", step + ":" + how);
    }
    ExecResult run;
    if (step.equals("vif")) {
      // destroyed between xl domid and ip: ip then fails as it did on a real host
      Files.writeString(bench.host.xenState().resolve("pause-host-ip"), "");
      CompletableFuture<ExecResult> started = bench.stage0.start(uuid, bench.runFlags());
      assertTrue(FakeHost.eventually(WAIT, () -> Files.exists(bench.host.xenState().resolve("paused-host-ip"))),
          "run never configured the vif");
      bench.xl("destroy", domain);
      Files.writeString(bench.host.xenState().resolve("fail-host-ip"), "Cannot find device \"vif1.0\"");
      Files.delete(bench.host.xenState().resolve("pause-host-ip"));
      run = started.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } else {
      run = bench.stage0With(env).run(uuid, bench.runFlags());
    }

    List<String> errors = FaultBench.errorLines(run.stderr());
    String line = errors.isEmpty() ? "" : errors.get(errors.size() - 1);
    assertTrue(line.startsWith("stage1-xen run: the pod VM " + domain), line);
    assertTrue(line.contains(FaultBench.XEN_LOGS + "/xl-" + domain + ".log"), line);
    for (String secondary : List.of("Cannot find device", "disappeared", "cannot connect", "ended before")) {
      assertFalse(line.contains(secondary), line);
    }
    assertEquals(how.equals("destroyed"), line.contains("destroyed"), line);
    assertEquals(how.equals("crash"), line.contains("crashed"), line);
    if (how.equals("crash")) {
      assertTrue(line.contains("Kernel panic - not syncing: VFS: Unable to mount root fs"), line);
    }
    verdict("the VM dies (" + how + ") at " + step, run, 254, says, bench.leftovers(), false, uuid);
  }

  /** The pod directory on a full tmpfs with this many pages left: each count fails a different write. */
  @ParameterizedTest(name = "{0} pages free")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 8})
  void theDiskFullWhileThePodsFilesAreWritten(int pagesFree) throws Exception {
    bench = new FaultBench(tmp, new String[] {"mount", "-t", "tmpfs", "-o", "size=" + tmpfsMiB() + "m", "tmpfs",
        tmp.toRealPath().resolve("rkt").toString()});
    PodUuid uuid = bench.prepare("out:hello", "exit:0");
    Path filler = bench.root.resolve("rkt/filler");
    bench.inNamespace("sh", "-c", "cat /dev/zero > '" + filler + "' 2>/dev/null; truncate -s -" + pagesFree * 4096
        + " '" + filler + "'");

    ExecResult run = bench.run(uuid);

    // whichever write fails, the error is one line and nothing is left; a pod that fitted ran correctly
    int expected = run.exitCode() == 0 ? 0 : 254;
    verdict("disk full, " + pagesFree + " pages free", run, expected, run.exitCode() == 0 ? null
        : "No space left on device", bench.leftovers(), false, uuid);
  }

  /**
   * Room for the pod's stage1 twice (stage0 extracts it into its tree store and copies it into the pod; the built
   * image of the native tier carries the guest kernel: tens of MiB) plus 4 MiB; the test fills what is left anyway.
   */
  private static long tmpfsMiB() throws IOException {
    Optional<Path> aci = FakeHost.builtImage();
    if (aci.isEmpty()) {
      return 4;
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(aci.get()))) {
      return 2 * in.transferTo(OutputStream.nullOutputStream()) / (1 << 20) + 4;
    }
  }

  static Stream<Arguments> signals() {
    List<Arguments> out = new ArrayList<>();
    for (String signal : List.of("TERM", "KILL")) {
      for (String step : List.of("info", "create", "domid", "ready")) {
        out.add(Arguments.of(signal, step));
      }
    }
    return out.stream();
  }

  /**
   * SIGTERM is rkt's stop: before the domain exists the run gives up (254), after it stops the pod in order (the
   * app's 143). SIGKILL cannot be handled: whatever run held stays until gc, which must collect all of it.
   */
  @ParameterizedTest(name = "SIG{0} at {1}")
  @MethodSource("signals")
  void runSignalledAtEachStep(String signal, String step) throws Exception {
    bench = new FaultBench(tmp);
    PodUuid uuid = bench.prepare("out:up", "hang");
    if (!step.equals("ready")) {
      bench.host.pauseXl(step);
    }
    CompletableFuture<ExecResult> started = bench.stage0.start(uuid, bench.runFlags());
    long pid;
    if (step.equals("ready")) {
      Path ready = bench.podDirectory(uuid, PodState.RUN).resolve("stage1/rootfs/rkt/supervisor-status");
      assertTrue(FakeHost.eventually(WAIT, () -> Files.isSymbolicLink(ready)), "the pod never got ready");
      pid = Long.parseLong(Files.readString(bench.podDirectory(uuid, PodState.RUN).resolve("pid")));
    } else {
      pid = bench.host.awaitPausedXl(step, WAIT);
    }
    ProcessHandle run = ProcessHandle.of(pid).orElseThrow();
    if (signal.equals("TERM")) {
      run.destroy();
    } else {
      run.destroyForcibly();
    }
    bench.host.resumeXl(step);
    ExecResult result = started.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    if (signal.equals("KILL")) {
      // xl's call of that moment still completes (a create still makes the domain): gc must find all of it
      Thread.sleep(500);
    }

    int code = signal.equals("KILL") ? 137 : step.equals("info") ? 254 : 143;
    String message = code == 254 ? "before the domain was created" : null;
    verdict("SIG" + signal + " of run at " + (step.equals("ready") ? "the running pod" : "xl " + step), result,
        code, message, bench.leftovers(), signal.equals("KILL"), uuid);
  }

  /** rkt gc killed while the gc entrypoint waits for xl, then run again: the second gc collects everything. */
  @ParameterizedTest(name = "gc killed at xl {0}")
  @ValueSource(strings = {"domid", "destroy"})
  void gcInterruptedAndRerun(String step) throws Exception {
    bench = new FaultBench(tmp);
    PodUuid uuid = bench.prepare("out:up", "hang");
    CompletableFuture<ExecResult> started = bench.stage0.start(uuid, bench.runFlags());
    Path pod = bench.podDirectory(uuid, PodState.RUN);
    assertTrue(FakeHost.eventually(WAIT, () -> Files.isSymbolicLink(pod.resolve("stage1/rootfs/rkt/"
        + "supervisor-status"))), "the pod never got ready");
    ProcessHandle.of(Long.parseLong(Files.readString(pod.resolve("pid")))).orElseThrow().destroyForcibly();
    ExecResult run = started.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    bench.host.pauseXl(step);
    CompletableFuture<ExecResult> gc = CompletableFuture.supplyAsync(() -> {
      try {
        return bench.stage0.gc(uuid, "--local-config", bench.config.toString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long gcPid = bench.host.awaitPausedXl(step, WAIT);
    // all of rkt gc at once, as a SIGKILL of its process group would: stage0, the gc entrypoint and its xl. stage0
    // goes first: killed after its child, it could still start its rm -rf of the pod, which would outlive it
    ProcessHandle entrypoint = ProcessHandle.of(gcPid).orElseThrow();
    List<ProcessHandle> all = new ArrayList<>();
    entrypoint.parent().ifPresent(all::add);
    all.add(entrypoint);
    all.addAll(entrypoint.descendants().toList());
    all.forEach(ProcessHandle::destroyForcibly);
    gc.handle((r, e) -> r).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    bench.host.resumeXl(step);
    assertTrue(Files.isDirectory(bench.podDirectory(uuid, PodState.EXITED_GARBAGE)), "the pod waits for a gc");

    verdict("gc killed at xl " + step + ", then run again", run, 137, null, bench.leftovers(), true, uuid);
  }
}
