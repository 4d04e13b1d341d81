package io.stage1xen.lifecycle;

import static io.stage1xen.lifecycle.TestPods.app;
import static io.stage1xen.lifecycle.TestPods.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.ExecResult;
import io.stage1xen.stage0.Stage0;
import io.stage1xen.testing.FakeHost;
import io.stage1xen.testing.ReliabilityLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many pods at once through the stage0 emulator, with the fake xl (which hands out domain ids and memory the way
 * Xen does) and fake guests: 20 pods started together get 20 domains and addresses of their own and each one's
 * output, exit code and status files are its own; stop and gc racing a starting run never crash it and never leave a
 * domain or an address behind.
 */
@Tag("concurrency")
class ConcurrentPodsTest {
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final int PODS = 20;
  private static ReliabilityLog log;

  @TempDir Path tmp;
  private FakeHost host;
  private Stage0 stage0;
  private Path config;
  private Path leases;

  @BeforeAll
  static void startLog() {
    log = ReliabilityLog.start("concurrency");
  }

  @AfterEach
  void endNamespace() {
    if (host != null) {
      host.close();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    host = new FakeHost(tmp);
    // twenty pods on two cores: each stage0 command may take minutes, not the usual one
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.putAll(host.environment());
    stage0 = new Stage0(host.stage0().dataDir(), env, WAIT, host.namespace().enter());
    leases = Files.createDirectories(tmp.resolve("leases"));
    config = host.localConfig("stop-grace-seconds = 1\n");
    Files.createDirectories(config.resolve("net.d"));
    Files.writeString(config.resolve("net.d/99-default.conf"), "{\"name\":\"default\",\"type\":\"ptp\",\"ipMasq\":true,"
        + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"172.16.28.0/24\",\"dataDir\":\"" + leases + "\"}}");
  }

  private String[] flags() {
    return new String[] {"--net=default", "--local-config=" + config};
  }

  private List<String> leaseFiles() throws Exception {
    try (Stream<Path> s = Files.walk(leases)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9.]+"))
          .toList();
    }
  }

  @Test
  void twentyPodsStartedAtOnceGetTheirOwnDomainsAndNothingMixes() throws Exception {
    List<PodUuid> pods = new ArrayList<>();
    Path release = tmp.resolve("release");
    for (int i = 0; i < PODS; i++) {
      pods.add(host.prepare(pod(app("app", "/fake", "out:pod " + i, "nics", "await:" + release, "exit:" + (i + 1)))));
    }
    long start = System.nanoTime();
    List<CompletableFuture<ExecResult>> runs = new ArrayList<>();
    for (PodUuid uuid : pods) {
      runs.add(stage0.start(uuid, flags()));
    }
    // every app waits for the release: all twenty pods are up at the same moment before any ends
    FakeHost.eventually(WAIT, () -> host.liveDomains().size() == PODS
        || runs.stream().anyMatch(CompletableFuture::isDone));
    int peak = host.liveDomains().size();
    Files.writeString(release, "");

    List<String> problems = new ArrayList<>();
    Set<String> addresses = new HashSet<>();
    for (int i = 0; i < PODS; i++) {
      ExecResult r = runs.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      if (r.exitCode() != i + 1) {
        problems.add("pod " + i + " exited " + r.exitCode() + ": " + r.stderr());
      }
      List<String> out = r.stdout().lines().toList();
      if (out.size() != 2 || !out.get(0).equals("pod " + i)) {
        problems.add("pod " + i + " printed " + out);
      } else {
        addresses.add(out.get(1).split(" ")[2]);
      }
      Path status = host.podDirectory(pods.get(i), PodState.RUN).resolve("stage1/rootfs/rkt/status/app");
      if (!Files.readString(status).equals(Integer.toString(i + 1))) {
        problems.add("pod " + i + " has status " + Files.readString(status));
      }
    }
    Map<String, String> created = new TreeMap<>();
    for (String line : Files.readAllLines(host.xenState().resolve("created.log"))) {
      created.put(line.split(" ")[0], line.split(" ")[1]);
    }
    int distinctIds = new HashSet<>(created.values()).size();
    for (PodUuid uuid : pods) {
      ExecResult gc = stage0.gc(uuid, "--local-config", config.toString());
      if (gc.exitCode() != 0 || gc.stderr().contains("problem performing stage1 GC")) {
        problems.add("gc of " + uuid + ": " + gc.stderr());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    log.row("concurrency", "20 pods at once", PODS, PODS - problems.size(), seconds, created.size() + " domains, "
        + distinctIds + " distinct ids, " + addresses.size() + " distinct addresses, " + peak
        + " domains alive at the same moment");

    assertEquals(List.of(), problems);
    assertEquals(PODS, created.size(), "one domain per pod");
    assertEquals(PODS, distinctIds, "distinct domain ids: " + created);
    assertEquals(PODS, addresses.size(), "distinct addresses: " + addresses);
    assertEquals(PODS, peak, "all twenty domains alive at the same moment");
    assertEquals(List.of(), host.liveDomains());
    assertEquals(List.of(), leaseFiles());
  }

  /**
   * rkt stop (orderly or forced) and rkt gc at random moments of a starting pod, from the moment the run entrypoint
   * starts. rkt's own rules decide what each may do (gc refuses a running pod, stop refuses one that is not running
   * yet); whatever the moment, run ends with
   * a documented code, the output has no stack trace, and once gc ran no domain and no address is left.
   */
  @Test
  void stopAndGcRacingAStartingRunAreSafe() throws Exception {
    int rounds = Integer.getInteger("stage1xen.race.rounds", 24);
    Random rnd = new Random(Long.getLong("stage1xen.race.seed", 29_11_2026L));
    Map<Integer, AtomicInteger> codes = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    Set<Integer> failedRounds = new HashSet<>();
    long start = System.nanoTime();
    for (int round = 0; round < rounds; round++) {
      PodUuid uuid = host.prepare(pod(app("app", "/fake", "out:up", "hang")));
      boolean force = rnd.nextBoolean();
      long stopAfter = rnd.nextInt(2500);
      long gcAfter = rnd.nextInt(2500);
      CompletableFuture<ExecResult> run = stage0.start(uuid, flags());
      // the moments count from the start of the run entrypoint (the pod in pods/run): before that, the stage0
      // emulator's own move of the pod would be raced, which tells nothing about stage1-xen
      Path runDir = host.podDirectory(uuid, PodState.RUN);
      FakeHost.eventually(WAIT, () -> Files.isDirectory(runDir) || run.isDone());
      CompletableFuture<ExecResult> gc = later(gcAfter, () -> stage0.gc(uuid, "--local-config", config.toString()));
      ExecResult stop = later(stopAfter, () -> stage0.stop(uuid, force)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      if (stop.exitCode() == 254) {
        // stop came before the pod was running (rkt refuses that too): stop it once it runs
        FakeHost.eventually(WAIT, () -> run.isDone() || isRunning(uuid));
        stop = stage0.stop(uuid, force);
      }
      ExecResult r = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      ExecResult early = gc.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      codes.computeIfAbsent(r.exitCode(), c -> new AtomicInteger()).incrementAndGet();
      String what = "round " + round + " (stop" + (force ? " --force" : "") + " after " + stopAfter + " ms, gc after "
          + gcAfter + " ms)";
      if (!Set.of(254, 143, 137).contains(r.exitCode())) {
        problems.add(what + ": run exited " + r.exitCode() + ": " + r.stderr());
      }
      for (ExecResult e : List.of(r, stop, early)) {
        if (e.stderr().contains("\tat ") || e.stderr().contains("Exception")) {
          problems.add(what + ": a stack trace: " + e.stderr());
        }
      }
      if (r.exitCode() == 254 && FaultBench.errorLines(r.stderr()).size() != 1) {
        problems.add(what + ": not one line: " + r.stderr());
      }
      if (Files.exists(host.podDirectory(uuid, PodState.RUN))) {
        ExecResult last = stage0.gc(uuid, "--local-config", config.toString());
        if (last.exitCode() != 0 || last.stderr().contains("problem performing stage1 GC")) {
          problems.add(what + ": gc failed: " + last.stderr());
        }
      }
      if (!host.liveDomains().isEmpty() || !leaseFiles().isEmpty()) {
        problems.add(what + ": left " + host.liveDomains() + " " + leaseFiles());
      }
      if (problems.stream().anyMatch(p -> p.startsWith(what))) {
        failedRounds.add(round);
      }
    }
    log.row("concurrency", "stop and gc racing a starting run", rounds, rounds - failedRounds.size(),
        (System.nanoTime() - start) / 1e9, "run exit codes " + codes);
    assertEquals(List.of(), problems);
  }

  /** stage0 status, where a pod that an early gc removed (it was only prepared then) is simply not running. */
  private boolean isRunning(PodUuid uuid) throws InterruptedException {
    try {
      return stage0.status(uuid).isRunning();
    } catch (io.stage1xen.process.ProcessException e) {
      return false;
    }
  }

  private interface Step {
    ExecResult call() throws Exception;
  }

  private static CompletableFuture<ExecResult> later(long millis, Step step) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        Thread.sleep(millis);
        return step.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
