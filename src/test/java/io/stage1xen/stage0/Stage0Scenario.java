package io.stage1xen.stage0;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The same pod lives driven through one stage0 (the real rkt, or the stand-in) with the probe stage1
 * ({@link FakeStage1}) and the two apps of the real pod manifest {@code two-apps-exit5.json}, recorded as
 * {@link Facts}:
 * <ul>
 *   <li>pod A: run (the probe stays up), status and list while running, rm of the running pod, enter without an app
 *       (two apps: refused) and with one, stop, the run's exit, status and list once exited, stop again, rm (the gc
 *       entrypoint fails with 9), status and stop of the removed pod;</li>
 *   <li>pod B: run, stop --force, the run's exit, status, rm;</li>
 *   <li>pod P: prepared and removed without ever running.</li>
 * </ul>
 * Every entrypoint call of A and B is recorded whole ({@link Invocation}).
 */
final class Stage0Scenario {
  /** What every stage0 command gets as its environment, besides the probe's own variables. */
  private final Map<String, String> baseEnvironment;

  Stage0Scenario(Map<String, String> baseEnvironment) {
    this.baseEnvironment = Map.copyOf(baseEnvironment);
  }

  /** A stage0 that starts pods of the probe stage1 and the two apps. */
  interface Driver {
    /** Prepares and runs a pod whose commands all get {@code environment}; returns once the pod started. */
    Pod start(Map<String, String> environment) throws Exception;

    /** Prepares a pod that never runs and removes it: rm's result. */
    Removed prepareAndRemove(Map<String, String> environment) throws Exception;

    /** The data directory ({@code rkt --dir}). */
    Path dataDir();
  }

  /** A pod that was never run, after its removal. */
  record Removed(PodUuid uuid, ExecResult rm) {}

  /** The commands of one stage0 that the scenario uses on a pod. */
  interface Commands {
    ExecResult enter(PodUuid uuid, Optional<String> app, List<String> command)
        throws ProcessException, InterruptedException;

    ExecResult stop(PodUuid uuid, boolean force) throws ProcessException, InterruptedException;

    /** {@code rkt rm} (the stand-in's {@code gc}). */
    ExecResult rm(PodUuid uuid) throws ProcessException, InterruptedException;

    ExecResult status(PodUuid uuid) throws ProcessException, InterruptedException;

    /** The state {@code rkt list} shows (the stand-in has no list: its status's). */
    String listState(PodUuid uuid) throws ProcessException, InterruptedException;
  }

  /** A started pod: its UUID, the run command (which ends with the run entrypoint), the commands on it. */
  record Pod(PodUuid uuid, CompletableFuture<ExecResult> run, Commands commands) {}

  /** The environment of pod {@code name}'s commands: the probe logs into {@code logs/name}. */
  Map<String, String> environment(Path log) {
    Map<String, String> env = new HashMap<>(baseEnvironment);
    env.put("FAKE_LOG", log.toString());
    env.put("FAKE_DUMP", "1");
    env.put("FAKE_MODE", "stay");
    env.put("FAKE_STATUS", "hello=0 hello2=5");
    env.put("FAKE_ENTER_EXIT", "3");
    env.put("FAKE_GC_EXIT", "9");
    return env;
  }

  /** Drives pods A and P (and B, with {@code forcedStop}) through {@code driver}, logging under {@code logs}. */
  Facts observe(Driver driver, Path logs, boolean forcedStop) throws Exception {
    Facts facts = new Facts();
    podA(driver, Files.createDirectories(logs.resolve("A")), facts);
    if (forcedStop) {
      podB(driver, Files.createDirectories(logs.resolve("B")), facts);
    }
    Path logP = Files.createDirectories(logs.resolve("P"));
    Removed p = driver.prepareAndRemove(environment(logP));
    facts.result("P.rm", p.rm(), normaliser(driver, logs, p.uuid(), "", -1), true);
    return facts;
  }

  private void podA(Driver driver, Path log, Facts facts) throws Exception {
    Map<String, String> env = environment(log);
    Pod pod = driver.start(env);
    Commands c = pod.commands();
    PodUuid u = pod.uuid();
    Map<String, ExecResult> results = new LinkedHashMap<>();
    Map<String, ExecResult> statuses = new LinkedHashMap<>();
    statuses.put("A.status-running", c.status(u));
    facts.put("A.list-running", c.listState(u));
    results.put("A.rm-running", c.rm(u));
    results.put("A.enter-without-app", c.enter(u, Optional.empty(), List.of("/bin/true")));
    results.put("A.enter", c.enter(u, Optional.of("hello2"), List.of("/bin/sh", "-c", "exit 3")));
    results.put("A.stop", c.stop(u, false));
    ExecResult run = pod.run().get(30, TimeUnit.SECONDS);
    statuses.put("A.status-exited", c.status(u));
    facts.put("A.list-exited", c.listState(u));
    results.put("A.stop-again", c.stop(u, false));
    results.put("A.rm", c.rm(u));
    statuses.put("A.status-removed", c.status(u));
    results.put("A.stop-removed", c.stop(u, false));

    Invocation runCall = Invocation.read(log.resolve("run.d"));
    Facts.Normaliser n = normaliser(driver, log.getParent(), u, runCall.files().getOrDefault("stage1TreeStoreID", ""),
        runCall.pid());
    facts.result("A.run", run, n, false);
    results.forEach((k, r) -> facts.result(k, r, n, true));
    statuses.forEach((k, r) -> facts.status(k, r, n));
    facts.invocation("A.run", runCall, env, n);
    for (String ep : List.of("enter", "stop", "gc")) {
      facts.invocation("A." + ep, Invocation.read(log.resolve(ep + ".d")), env, n);
    }
  }

  private void podB(Driver driver, Path log, Facts facts) throws Exception {
    Map<String, String> env = environment(log);
    Pod pod = driver.start(env);
    Commands c = pod.commands();
    PodUuid u = pod.uuid();
    ExecResult stop = c.stop(u, true);
    ExecResult run = pod.run().get(30, TimeUnit.SECONDS);
    ExecResult status = c.status(u);
    ExecResult rm = c.rm(u);

    Invocation runCall = Invocation.read(log.resolve("run.d"));
    Facts.Normaliser n = normaliser(driver, log.getParent(), u, runCall.files().getOrDefault("stage1TreeStoreID", ""),
        runCall.pid());
    facts.result("B.stop-force", stop, n, true);
    facts.result("B.run", run, n, false);
    facts.status("B.status-exited", status, n);
    facts.result("B.rm", rm, n, true);
    facts.invocation("B.run", runCall, env, n);
    facts.invocation("B.stop", Invocation.read(log.resolve("stop.d")), env, n);
    facts.invocation("B.gc", Invocation.read(log.resolve("gc.d")), env, n);
  }

  private static Facts.Normaliser normaliser(Driver driver, Path logs, PodUuid uuid, String stage1Tree, long runPid)
      throws IOException {
    Map<String, String> literals = new HashMap<>();
    literals.put(driver.dataDir().toString(), "<data>");
    literals.put(driver.dataDir().toRealPath().toString(), "<data>");
    literals.put(logs.toString(), "<log>");
    literals.put(logs.toRealPath().toString(), "<log>");
    literals.put(uuid.value(), "<uuid>");
    Map<String, String> longestFirst = new LinkedHashMap<>();
    literals.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<String, String> e) -> -e.getKey().length()))
        .forEach(e -> longestFirst.put(e.getKey(), e.getValue()));
    return new Facts.Normaliser(longestFirst, stage1Tree, runPid, ProcessHandle.current().pid());
  }

  /** Waits until the probe's run entrypoint is up (it touches {@code ready}); fails if the run ended first. */
  static void awaitReady(Path log, CompletableFuture<ExecResult> run) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(log.resolve("ready"))) {
      if (run.isDone()) {
        ExecResult r = run.get();
        throw new AssertionError("the pod's run ended before the probe was up: exit " + r.exitCode() + ", "
            + r.stderr().strip());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the probe's run entrypoint did not start within 30 s (no " + log + "/ready)");
      }
      Thread.sleep(20);
    }
  }

  /** A fresh pod UUID for the stand-in (rkt makes its own). */
  static PodUuid newUuid() {
    return PodUuid.of(UUID.randomUUID().toString());
  }
}
