package io.stage1xen.volume;

import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts in dom0, made with util-linux's mount(8) and umount(8) (Java has no mount(2)), always as argv through the
 * process runner, and read back from this process's mountinfo.
 *
 * <p>Every bind mount is made private at once ({@code --make-private}/{@code --make-rprivate}): on a host whose
 * root is a shared mount, a bind of a shared source would otherwise join its peer group, so that every later mount
 * under the source, or under another pod's volumes, would be copied into this one (and a pod mounting {@code /}
 * would multiply the mount table). Private also means that host mounts made under a source after the pod started
 * are not seen by it.
 */
final class HostMounts {
  private static final Logger LOG = LoggerFactory.getLogger(HostMounts.class);
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Per-mount flags a restricting remount keeps when the mount has them. */
  private static final List<String> KEPT_OPTIONS = List.of("noexec", "nosymfollow");

  private final ProcessRunner runner;
  private final Path mountinfo;

  HostMounts(ProcessRunner runner, Path mountinfo) {
    this.runner = runner;
    this.mountinfo = mountinfo;
  }

  /**
   * {@code source} bind-mounted on {@code target}, with its submounts when recursive. A bind of one mount gets
   * {@code nosuid,nodev}, and {@code ro} when asked, in the same mount(8) process: util-linux binds, then remounts
   * the bind with the flags it was given (since 2.27), which spares the separate remount of {@link #restrict} (a mount
   * process, 0.1 s or more in an emulated dom0). The source mount's {@code noexec} and {@code nosymfollow} are passed
   * on, as {@link #restrict} keeps them. {@link #restrict} still checks the result in the mount table; the mounts of a
   * recursive bind get their flags there, one remount each.
   */
  void bind(Path source, Path target, boolean recursive, boolean readOnly)
      throws IOException, ProcessException, InterruptedException {
    if (recursive) {
      run("mount", "--rbind", "--make-rprivate", source.toString(), target.toString());
      return;
    }
    List<String> on = table().containing(source.toRealPath()).map(MountTable.Entry::options).orElse(List.of());
    run("mount", "--bind", "--make-private", "-o", flags(on, readOnly), source.toString(), target.toString());
  }

  /** The options that make a mount nosuid,nodev (and ro when asked), keeping those of {@code current} that stay. */
  private static String flags(List<String> current, boolean readOnly) {
    StringBuilder options = new StringBuilder("nosuid,nodev");
    for (String keep : KEPT_OPTIONS) {
      if (current.contains(keep)) {
        options.append(',').append(keep);
      }
    }
    return options.append(readOnly ? ",ro" : "").toString();
  }

  /**
   * The mount at {@code target}, and every mount below it when {@code recursive}, made {@code nodev} and
   * {@code nosuid}, and read-only when asked (a bind remount applies to one mount only). QEMU serves the guest as
   * root through these mounts: {@code nodev} keeps it from opening a device node it finds there (on behalf of a guest
   * that asks, whatever its security model), {@code nosuid} keeps a setuid file found there from running as its
   * owner in dom0. {@code noexec} and {@code nosymfollow} stay as they were (a bind remount sets every flag anew).
   * Checked in the mount table afterwards: these are the host's to enforce, so a remount that did not take, or a
   * target that is not a mount point (a path the table does not name, say through a symlink), is an error, not a
   * hope.
   */
  void restrict(Path target, boolean recursive, boolean readOnly)
      throws IOException, ProcessException, InterruptedException {
    List<MountTable.Entry> mounts = table().under(target);
    if (mounts.stream().noneMatch(e -> e.mountPoint().equals(target))) {
      throw new IOException("nothing is mounted on " + target + " to make nosuid,nodev");
    }
    boolean remounted = false;
    for (int i = mounts.size() - 1; i >= 0; i--) {
      MountTable.Entry e = mounts.get(i);
      if (e.mountPoint().equals(target) || recursive) {
        if (e.options().containsAll(List.of("nosuid", "nodev")) && e.options().contains("ro") == readOnly) {
          // a bind of a mount made so already (the kernel copies a source's flags to its binds): a remount would
          // change nothing and costs a mount process
          LOG.debug("{} is {} already", e.mountPoint(), readOnly ? "nosuid,nodev,ro" : "nosuid,nodev");
          continue;
        }
        remounted = true;
        run("mount", "-o", "remount,bind," + flags(e.options(), readOnly), e.mountPoint().toString());
      }
    }
    if (!remounted) {
      return; // the table just read showed every flag: nothing changed that needs reading again
    }
    for (MountTable.Entry e : table().under(target)) {
      if (!recursive && !e.mountPoint().equals(target)) {
        continue;
      }
      List<String> missing = new ArrayList<>();
      for (String flag : readOnly ? List.of("nosuid", "nodev", "ro") : List.of("nosuid", "nodev")) {
        if (!e.options().contains(flag)) {
          missing.add(flag);
        }
      }
      if (!missing.isEmpty()) {
        throw new IOException("the mount on " + e.mountPoint() + " is still without " + String.join(",", missing)
            + " after a remount (" + String.join(",", e.options()) + ")");
      }
    }
  }

  /** Unmounts one mount; when it is busy (QEMU may still hold files), detaches it lazily instead. */
  void unmount(Path target) throws IOException, ProcessException, InterruptedException {
    ExecResult r = runner.run(command("umount", target.toString()));
    if (r.succeeded()) {
      return;
    }
    LOG.debug("umount {} failed ({}); detaching it lazily", target, r.outputTail());
    run("umount", "--lazy", target.toString());
  }

  MountTable table() throws IOException {
    return MountTable.read(mountinfo);
  }

  private void run(String... argv) throws ProcessException, InterruptedException {
    runner.run(command(argv)).requireSuccess();
  }

  private static Command command(String... argv) {
    return Command.of(TIMEOUT, argv);
  }
}
