package io.stage1xen.lifecycle;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.cli.Stage1Cli;
import io.stage1xen.guest.UnixSocketLink;
import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import io.stage1xen.process.SystemProcessRunner;
import io.stage1xen.testing.FakeHost;
import io.stage1xen.volume.FakeMounts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entrypoints run inside the test's JVM, thousands of times, against the fake xl and fake guests of a
 * {@link FakeHost}: each call parses a command line exactly as the executable does ({@link Stage1Cli}) and gets a
 * {@link Stage1Environment} of its own whose pod directory, host root and mount table live in the temporary tree.
 * mount(8) and umount(8) go to {@link FakeMounts}, so a hostile volume never touches this machine's mount table;
 * everything else (xl, the network tools) runs as a real process through the process runner.
 */
final class InProcessHost {
  /** The pid the entrypoints believe they have: its mountinfo is the fake mount table. */
  static final long PID = 4242;

  private final Path root;
  private final FakeHost xen;
  private final Path hostRoot;
  private final Path pods;
  private final FakeMounts mounts;
  private final ProcessRunner processes;
  private volatile CommandHook hook = argv -> { };

  /** Called with each command's argv before it runs, on the thread that runs it (a test's way to hold one back). */
  interface CommandHook {
    void before(List<String> argv) throws InterruptedException;
  }

  InProcessHost(Path root) throws IOException {
    this.root = root;
    this.xen = new FakeHost(root);
    this.hostRoot = Files.createDirectories(root.resolve("host-root"));
    Path proc = Files.createDirectories(hostRoot.resolve("proc").resolve(Long.toString(PID)));
    Files.createDirectories(hostRoot.resolve("proc/xen"));
    Files.createDirectories(hostRoot.resolve("etc"));
    Files.writeString(hostRoot.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Files.writeString(hostRoot.resolve("etc/resolv.conf"), "nameserver 192.0.2.53\n");
    this.mounts = new FakeMounts(proc.resolve("mountinfo"));
    this.pods = Files.createDirectories(root.resolve("rkt/pods/run"));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(xen.environment());
    SystemProcessRunner system = new SystemProcessRunner(env);
    this.processes = new ProcessRunner() {
      @Override
      public ExecResult run(Command command) throws ProcessException, InterruptedException {
        hook.before(command.argv());
        String program = command.argv().get(0);
        if (program.equals("mount") || program.equals("umount")) {
          synchronized (mounts) {
            return mounts.run(command);
          }
        }
        return system.run(command);
      }

      @Override
      public int runInteractive(Command command) throws ProcessException, InterruptedException {
        return system.runInteractive(command);
      }

      @Override
      public boolean terminate(long pid, Duration grace) throws InterruptedException {
        return system.terminate(pid, grace);
      }
    };
  }

  FakeHost xen() {
    return xen;
  }

  void onCommand(CommandHook hook) {
    this.hook = hook;
  }

  /** Makes the mount(8) and umount(8) commands that match fail. */
  void failMounts(java.util.function.Predicate<List<String>> matching) {
    synchronized (mounts) {
      mounts.failWhen(matching);
    }
  }

  /** The options of the latest mount at a path in the fake mount table, as mountinfo shows them. */
  String mountOptions(Path point) {
    synchronized (mounts) {
      return mounts.optionsOf(point);
    }
  }

  Path root() {
    return root;
  }

  Path podDirectory(PodUuid uuid) {
    return pods.resolve(uuid.value());
  }

  /** Everything mounted at or below a directory, in the fake mount table. */
  List<Path> mountedUnder(Path dir) {
    synchronized (mounts) {
      return mounts.mountedUnder(dir);
    }
  }

  /**
   * rkt's pod directory after {@code rkt prepare --no-overlay}, written directly: the pod manifest (raw bytes, so
   * that broken text reaches the loader as it is), each app's image manifest and an empty rootfs, and the parts of
   * the stage1 image that run reads (guest kernel and initrd).
   */
  Path preparePod(PodUuid uuid, byte[] podManifest, Map<String, byte[]> images) throws IOException {
    Path pod = Files.createDirectories(podDirectory(uuid));
    Files.write(pod.resolve("pod"), podManifest);
    Files.writeString(pod.resolve("pod-created"), "");
    Path stage1 = Files.createDirectories(pod.resolve("stage1/rootfs"));
    Files.createDirectories(stage1.resolve("stage1-xen/guest"));
    Files.writeString(stage1.resolve("stage1-xen/guest/kernel"), "fake kernel");
    Files.writeString(stage1.resolve("stage1-xen/guest/initrd"), "fake initrd");
    Files.createDirectories(stage1.resolve("rkt/status"));
    for (Map.Entry<String, byte[]> image : images.entrySet()) {
      Path app = Files.createDirectories(stage1.resolve("opt/stage2").resolve(image.getKey()));
      Files.write(app.resolve("manifest"), image.getValue());
      Files.createDirectories(app.resolve("rootfs"));
      Path info = Files.createDirectories(pod.resolve("appsinfo").resolve(image.getKey()));
      Files.write(info.resolve("manifest"), image.getValue());
    }
    return pod;
  }

  /**
   * rkt's pod directory after {@code rkt prepare} in its default overlay mode: {@link #preparePod}'s, with the tree
   * store ids and the overlay layers, and each app's root an overlay mount as rkt leaves it ({@code rw,relatime}, in
   * the fake mount table).
   */
  Path preparePodWithOverlays(PodUuid uuid, byte[] podManifest, Map<String, byte[]> images) throws IOException {
    Path pod = preparePod(uuid, podManifest, images);
    Files.writeString(pod.resolve("overlay-prepared"), "");
    Files.writeString(pod.resolve("stage1TreeStoreID"), "deps-sha512-5e1");
    Files.createDirectories(pod.resolve("overlay/deps-sha512-5e1/upper"));
    for (String app : images.keySet()) {
      Files.writeString(pod.resolve("appsinfo").resolve(app).resolve("treeStoreID"), "deps-sha512-a77");
      for (String layer : List.of("upper", "work")) {
        Files.createDirectories(pod.resolve("overlay/deps-sha512-a77").resolve(layer).resolve(app));
      }
      synchronized (mounts) {
        mounts.mount(pod.resolve("stage1/rootfs/opt/stage2").resolve(app).resolve("rootfs").toRealPath(),
            "rw,relatime");
      }
    }
    return pod;
  }

  /** The entrypoint's exit code and everything a user's terminal would show. */
  record Outcome(int exitCode, String stdout, String stderr) {
    List<String> stderrLines() {
      return stderr.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  Outcome run(PodUuid uuid, String... flags) {
    List<String> args = new ArrayList<>(List.of(flags));
    args.add(uuid.value());
    return call("run", podDirectory(uuid), args);
  }

  Outcome stop(PodUuid uuid, boolean force) {
    return call("stop", podDirectory(uuid), force ? List.of("--force", uuid.value()) : List.of(uuid.value()));
  }

  Outcome gc(PodUuid uuid) {
    return call("gc", podDirectory(uuid), List.of(uuid.value()));
  }

  /**
   * One entrypoint call as its symlink would make it. The JVM's own stderr is swapped for the call, so that log
   * lines and anything a stray thread prints (an uncaught exception's stack trace) count as the user would see them;
   * calls therefore run one at a time.
   */
  synchronized Outcome call(String entrypoint, Path workingDirectory, List<String> args) {
    ByteArrayOutputStream appOut = new ByteArrayOutputStream();
    ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    PrintStream captured = new PrintStream(terminal, true, StandardCharsets.UTF_8);
    Stage1Environment env = new Stage1Environment(processes, xen.environment(), (names, handler) -> { },
        workingDirectory, hostRoot, new ByteArrayInputStream(new byte[0]), appOut, captured, Clock.systemUTC(), PID,
        UnixSocketLink::connect);
    int code;
    System.setErr(captured);
    try {
      PrintWriter out = new PrintWriter(appOut, true, StandardCharsets.UTF_8);
      PrintWriter err = new PrintWriter(captured, true, StandardCharsets.UTF_8);
      code = Stage1Cli.run(entrypoint, args.toArray(String[]::new), out, err, new Stage1Entrypoints(() -> env));
      out.flush();
      err.flush();
    } finally {
      System.setErr(saved);
    }
    return new Outcome(code, appOut.toString(StandardCharsets.UTF_8), terminal.toString(StandardCharsets.UTF_8));
  }
}
