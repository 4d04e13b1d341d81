package io.stage1xen.stage0;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import io.stage1xen.process.SystemProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Drives the real rkt 1.30.0 through the process package, with one data directory ({@code rkt --dir}), for the
 * tests that hold the stage0 stand-in against it. The commands mirror {@link Stage0}'s.
 */
final class Rkt implements Stage0Scenario.Commands {
  private final Path rkt;
  private final Path dataDir;
  private final ProcessRunner runner;
  private final List<String> prefix;

  /**
   * @param environment rkt's whole environment (its entrypoints inherit it)
   * @param prefix argv put before every rkt command, e.g. a shell that leaves descriptors open to rkt
   */
  Rkt(Path rkt, Path dataDir, Map<String, String> environment, List<String> prefix) {
    this.rkt = rkt.toAbsolutePath();
    this.dataDir = dataDir.toAbsolutePath();
    this.runner = new SystemProcessRunner(environment);
    this.prefix = List.copyOf(prefix);
  }

  Path dataDir() {
    return dataDir;
  }

  ExecResult version() throws ProcessException, InterruptedException {
    return run(List.of("version"));
  }

  /**
   * {@code rkt run --stage1-path=S [--no-overlay] IMAGE...} in the background: the run entrypoint becomes this
   * process, so the future ends with the pod. The pod's UUID is written to {@code uuidFile} before the stage1 runs.
   */
  CompletableFuture<ExecResult> start(Path stage1, List<Path> images, boolean overlay, Path uuidFile) {
    List<String> args = new ArrayList<>(List.of("--insecure-options=image", "run"));
    if (!overlay) {
      args.add("--no-overlay");
    }
    args.addAll(List.of("--uuid-file-save=" + uuidFile, "--stage1-path=" + stage1));
    images.forEach(i -> args.add(i.toString()));
    return Stage0.inBackground("rkt-run", () -> run(args));
  }

  /** {@code rkt prepare}: the pod's UUID is the only line of stdout. */
  ExecResult prepare(Path stage1, List<Path> images, boolean overlay) throws ProcessException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--insecure-options=image", "prepare", "--quiet"));
    if (!overlay) {
      args.add("--no-overlay");
    }
    args.add("--stage1-path=" + stage1);
    images.forEach(i -> args.add(i.toString()));
    return run(args);
  }

  @Override
  public ExecResult enter(PodUuid uuid, Optional<String> app, List<String> command)
      throws ProcessException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("enter"));
    app.ifPresent(a -> args.add("--app=" + a));
    args.add(uuid.value());
    args.addAll(command);
    return run(args);
  }

  @Override
  public ExecResult stop(PodUuid uuid, boolean force) throws ProcessException, InterruptedException {
    return run(force ? List.of("stop", "--force", uuid.value()) : List.of("stop", uuid.value()));
  }

  @Override
  public ExecResult rm(PodUuid uuid) throws ProcessException, InterruptedException {
    return run(List.of("rm", uuid.value()));
  }

  @Override
  public ExecResult status(PodUuid uuid) throws ProcessException, InterruptedException {
    return run(List.of("status", uuid.value()));
  }

  /** The STATE column of {@code rkt list} for the pod (the same on every line of its apps). */
  @Override
  public String listState(PodUuid uuid) throws ProcessException, InterruptedException {
    // --full: UUID, APP, IMAGE NAME, IMAGE ID, STATE, CREATED, STARTED, NETWORKS, separated by runs of tabs
    for (String line : run(List.of("list", "--no-legend", "--full")).requireSuccess().stdout().split("\n")) {
      String[] columns = line.split("\t+");
      if (columns.length > 4 && columns[0].equals(uuid.value())) {
        return columns[4];
      }
    }
    return "(not listed)";
  }

  private ExecResult run(List<String> args) throws ProcessException, InterruptedException {
    List<String> argv = new ArrayList<>(prefix);
    argv.add(rkt.toString());
    argv.add("--dir=" + dataDir);
    argv.addAll(args);
    return runner.run(new Command(argv, Map.of(), Duration.ofMinutes(1), null, null));
  }
}
