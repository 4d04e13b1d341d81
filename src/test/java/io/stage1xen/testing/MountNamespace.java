package io.stage1xen.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private mount namespace for tests that make real mounts (bind mounts of volumes): commands run in it through
 * {@link #enter()}, so nothing they mount is seen outside, and everything goes away when the namespace's last process
 * ends, even after a failed test. A {@code sleep} process holds the namespace open. Needs root, unshare(1), setpriv(1)
 * and nsenter(1) (util-linux).
 */
public final class MountNamespace implements AutoCloseable {
  private final Process holder;

  public MountNamespace() throws IOException, InterruptedException {
    // the holder dies with this JVM (setpriv's parent-death signal) even when a test never closes it
    holder = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "setpriv", "--pdeathsig", "KILL",
        "sleep", "3600")
        .redirectErrorStream(true).start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!inItsOwnNamespace()) {
      if (!holder.isAlive() || System.nanoTime() > end) {
        close();
        throw new IOException("unshare --mount did not start: "
            + new String(holder.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
      }
      Thread.sleep(10);
    }
    ownRunDirectory();
  }

  /**
   * The stage1 keeps a boot's xl info in /run/stage1-xen: in the namespace that is a tmpfs of its own, so that the
   * fake xl of one test never answers for another, nor for a real pod of this machine.
   */
  private void ownRunDirectory() throws IOException, InterruptedException {
    Files.createDirectories(Path.of("/run/stage1-xen"));
    List<String> argv = new ArrayList<>(enter());
    argv.addAll(List.of("mount", "-t", "tmpfs", "-o", "mode=0700,size=1m", "s1x-test", "/run/stage1-xen"));
    Process mount = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (mount.waitFor() != 0) {
      close();
      throw new IOException("cannot mount a tmpfs on /run/stage1-xen in the test namespace: " + out);
    }
  }

  /** Whether this machine lets the tests make mounts: root, with unshare and nsenter. */
  public static boolean available() {
    return "root".equals(System.getProperty("user.name")) && onPath("unshare") && onPath("setpriv")
        && onPath("nsenter");
  }

  private boolean inItsOwnNamespace() {
    try {
      return !Files.readSymbolicLink(Path.of("/proc", Long.toString(holder.pid()), "ns", "mnt")).equals(
          Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")));
    } catch (IOException e) {
      return false;
    }
  }

  /** argv prefix that runs a command inside the namespace. */
  public List<String> enter() {
    return List.of("nsenter", "--target", Long.toString(holder.pid()), "--mount", "--");
  }

  /** The mount points at or below {@code dir} in the namespace (from its mountinfo, escapes decoded). */
  public List<Path> mountsUnder(Path dir) throws IOException {
    return new ArrayList<>(optionsUnder(dir).keySet());
  }

  /** The mounts at or below {@code dir}, in mount order, with their per-mount options ({@code ro,nosuid,…}). */
  public Map<Path, String> optionsUnder(Path dir) throws IOException {
    Map<Path, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(holder.pid()), "mountinfo"))) {
      String[] f = line.split(" ");
      Path p = Path.of(f[4].replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
          .replace("\\134", "\\"));
      if (p.startsWith(dir)) {
        out.put(p, f[5]);
      }
    }
    return out;
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    holder.destroyForcibly();
    try {
      holder.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
