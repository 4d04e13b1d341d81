package io.stage1xen.stage0;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import io.stage1xen.process.SystemProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Drives {@code tests/stage0/stage0}, the stand-in for rkt 1.30.0's stage0, for end-to-end tests: prepare a pod
 * from a pod manifest and images, run/enter/stop/gc it through the stage1's entrypoints exactly as rkt would, and
 * read its state the way {@code rkt status} computes it. Every command goes through the process package.
 */
public final class Stage0 {
  /** The script, relative to the project directory (Maven runs tests there). */
  public static final Path SCRIPT = Path.of("tests", "stage0", "stage0").toAbsolutePath();

  private final Path dataDir;
  private final ProcessRunner runner;
  private final Duration timeout;
  private final List<String> prefix;

  /**
   * @param dataDir rkt's data directory ({@code rkt --dir}) for the pods
   * @param environment the environment of "rkt" (entrypoints inherit it, as they inherit rkt's)
   * @param prefix argv put before every stage0 command, e.g. {@code nsenter} into a mount namespace of the test
   */
  public Stage0(Path dataDir, Map<String, String> environment, Duration timeout, List<String> prefix) {
    this.dataDir = dataDir.toAbsolutePath();
    this.runner = new SystemProcessRunner(environment);
    this.timeout = timeout;
    this.prefix = List.copyOf(prefix);
  }

  public Stage0(Path dataDir, Map<String, String> environment, Duration timeout) {
    this(dataDir, environment, timeout, List.of());
  }

  /** The same stage0, with every command run through {@code prefix} (its argv first). */
  public Stage0(Path dataDir, Map<String, String> extraEnvironment, List<String> prefix) {
    this(dataDir, merge(System.getenv(), extraEnvironment), Duration.ofMinutes(1), prefix);
  }

  /** With the caller's environment and a one-minute timeout per command. */
  public Stage0(Path dataDir, Map<String, String> extraEnvironment) {
    this(dataDir, merge(System.getenv(), extraEnvironment), Duration.ofMinutes(1));
  }

  private static Map<String, String> merge(Map<String, String> base, Map<String, String> extra) {
    Map<String, String> all = new HashMap<>(base);
    all.putAll(extra);
    return all;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path podDirectory(PodUuid uuid, PodState state) {
    return dataDir.resolve("pods").resolve(state.directory()).resolve(uuid.value());
  }

  /** {@code pods/prepared/<uuid>} from a stage1 and app images (ACI files or directories with manifest, rootfs). */
  public ExecResult prepare(PodUuid uuid, Path stage1, Path podManifest, Map<String, Path> apps)
      throws ProcessException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--stage1", stage1.toString(), "--pod-manifest",
        podManifest.toString()));
    new LinkedHashMap<>(apps).forEach((name, image) -> args.addAll(List.of("--app", name + "=" + image)));
    return run("prepare", uuid, args).requireSuccess();
  }

  /** {@code rkt run}: stage0 becomes the run entrypoint; returns when the pod has ended. */
  public ExecResult run(PodUuid uuid, String... flags) throws ProcessException, InterruptedException {
    return run("run", uuid, List.of(flags));
  }

  /** {@code rkt run --interactive}-style: the given bytes are the pod's stdin. */
  public ExecResult runWithStdin(PodUuid uuid, byte[] stdin, String... flags)
      throws ProcessException, InterruptedException {
    return execute(command("run", uuid, List.of(flags)).withStdin(stdin));
  }

  /** {@code rkt run} in the background, for tests that look at the pod while it runs. */
  public CompletableFuture<ExecResult> start(PodUuid uuid, String... flags) {
    return inBackground("stage0-run-" + uuid, () -> run(uuid, flags));
  }

  /** A command that ends the way the process package ends one. */
  interface Call {
    ExecResult call() throws ProcessException, InterruptedException;
  }

  /** Runs {@code call} on a daemon thread of its own (for a {@code run} that lasts as long as its pod). */
  static CompletableFuture<ExecResult> inBackground(String threadName, Call call) {
    CompletableFuture<ExecResult> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        result.complete(call.call());
      } catch (ProcessException | InterruptedException | RuntimeException e) {
        result.completeExceptionally(new CompletionException(e));
      }
    }, threadName);
    t.setDaemon(true);
    t.start();
    return result;
  }

  /** {@code rkt enter [--app=A] <uuid> [cmd...]}. */
  public ExecResult enter(PodUuid uuid, Optional<String> app, List<String> command)
      throws ProcessException, InterruptedException {
    List<String> args = new ArrayList<>();
    app.ifPresent(a -> args.addAll(List.of("--app", a)));
    if (!command.isEmpty()) {
      args.add("--");
      args.addAll(command);
    }
    return run("enter", uuid, args);
  }

  /** {@code rkt stop [--force] <uuid>}. */
  public ExecResult stop(PodUuid uuid, boolean force) throws ProcessException, InterruptedException {
    return run("stop", uuid, force ? List.of("--force") : List.of());
  }

  /** {@code rkt rm <uuid>} after it exited: mark as garbage, call gc, delete. Flags: --debug, --local-config DIR. */
  public ExecResult gc(PodUuid uuid, String... flags) throws ProcessException, InterruptedException {
    return run("gc", uuid, List.of(flags));
  }

  /** {@code rkt status <uuid>}: the state from rkt's lock and the app exit codes from rkt/status. */
  public PodStatus status(PodUuid uuid) throws ProcessException, InterruptedException {
    return PodStatus.parse(run("status", uuid, List.of()).requireSuccess().stdout());
  }

  public ExecResult run(String subcommand, PodUuid uuid, List<String> args)
      throws ProcessException, InterruptedException {
    return execute(command(subcommand, uuid, args));
  }

  private Command command(String subcommand, PodUuid uuid, List<String> args) {
    if (!Files.isExecutable(SCRIPT)) {
      throw new IllegalStateException(SCRIPT + " is missing or not executable");
    }
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(List.of(SCRIPT.toString(), subcommand, "--data-dir", dataDir.toString(), "--uuid", uuid.value()));
    argv.addAll(args);
    return new Command(argv, Map.of(), timeout, null, null);
  }

  private ExecResult execute(Command command) throws ProcessException, InterruptedException {
    return runner.run(command);
  }

  /** What {@code stage0 status} printed. */
  public record PodStatus(String state, OptionalLong pid, boolean exited, Map<String, Integer> appExitCodes) {
    public boolean isRunning() {
      return state.equals("running");
    }

    static PodStatus parse(String text) {
      String state = null;
      OptionalLong pid = OptionalLong.empty();
      boolean exited = false;
      Map<String, Integer> apps = new LinkedHashMap<>();
      for (String line : text.split("\n")) {
        int eq = line.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String key = line.substring(0, eq);
        String value = line.substring(eq + 1);
        if (key.equals("state")) {
          state = value;
        } else if (key.equals("pid") && !value.isEmpty()) {
          pid = OptionalLong.of(Long.parseLong(value));
        } else if (key.equals("exited")) {
          exited = value.equals("true");
        } else if (key.startsWith("app-")) {
          apps.put(key.substring(4), Integer.parseInt(value));
        }
      }
      if (state == null) {
        throw new IllegalArgumentException("no state in stage0 status output: " + text);
      }
      return new PodStatus(state, pid, exited, Map.copyOf(apps));
    }
  }
}
