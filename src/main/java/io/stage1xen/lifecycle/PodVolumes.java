package io.stage1xen.lifecycle;

import io.stage1xen.pod.PodLayout;
import io.stage1xen.process.ProcessException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of a pod's volumes, all under {@code <pod>/xen/volumes}: each share's directory (the mount point
 * that QEMU exports), the host directory or file bind-mounted on it (read-only by a bind remount when the share is
 * read-only: dom0 enforces it, whatever the guest does), and the empty volumes' data in {@code empty/<volume>}.
 *
 * <p>Nothing is prepared until the domain is about to be created, and a failure undoes everything before it is
 * reported. Teardown trusts nothing but the mount table: it unmounts whatever is mounted under the directory,
 * deepest first, so that it also works after the run entrypoint was killed, and it deletes files only once nothing
 * is mounted there any more (a bind-mounted host directory is never walked).
 */
final class PodVolumes {
  private static final Logger LOG = LoggerFactory.getLogger(PodVolumes.class);

  private final HostMounts mounts;
  private final PodLayout layout;

  PodVolumes(HostMounts mounts, PodLayout layout) {
    this.mounts = mounts;
    this.layout = layout;
  }

  static PodVolumes of(Stage1Environment env, PodLayout layout) {
    Path mountinfo = env.proc().resolve(Long.toString(env.pid())).resolve("mountinfo");
    return new PodVolumes(new HostMounts(env.processes(), mountinfo), layout);
  }

  /** Makes every share of the map; on failure removes what it made and rethrows. */
  void prepare(VolumeMap map) throws Exception {
    if (map.shares().isEmpty()) {
      return;
    }
    try {
      Path root = layout.volumesDirectory();
      if (Files.exists(root)) {
        remove(); // left by an earlier attempt: start from nothing
      }
      Files.createDirectories(root);
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
      for (PodVolume v : map.volumes()) {
        if (v.kind() == PodVolume.Kind.EMPTY) {
          createEmpty(v);
        }
      }
      for (VolumeShare s : map.shares()) {
        prepare(s);
      }
    } catch (Exception e) {
      try {
        remove();
      } catch (Exception cleanup) {
        e.addSuppressed(cleanup);
        LOG.warn("could not undo the volumes of the pod: {} (run 'rkt gc' to retry)", cleanup.getMessage());
      }
      throw e;
    }
  }

  private void createEmpty(PodVolume v) throws IOException {
    Path dir = v.dataDirectory(layout);
    Files.createDirectories(dir);
    // the exact owner and mode, setuid/setgid/sticky bits included and whatever the umask
    Files.setAttribute(dir, "unix:uid", (int) v.uid());
    Files.setAttribute(dir, "unix:gid", (int) v.gid());
    Files.setAttribute(dir, "unix:mode", v.mode());
    LOG.debug("{}: empty directory {} (mode {}, uid {}, gid {})", v.origin(), dir, Integer.toOctalString(v.mode()),
        v.uid(), v.gid());
  }

  private void prepare(VolumeShare s) throws IOException, ProcessException, InterruptedException {
    PodVolume v = s.volume();
    Files.createDirectory(s.hostDir());
    Path source = switch (v.kind()) {
      case EMPTY -> v.dataDirectory(layout);
      case HOST_DIRECTORY, HOST_FILE -> v.source().orElseThrow();
    };
    if (s.isFile()) {
      Files.createFile(s.mountPoint());
    }
    boolean recursive = v.kind() == PodVolume.Kind.HOST_DIRECTORY && v.recursive();
    mounts.bind(source, s.mountPoint(), recursive);
    if (s.readOnly()) {
      mounts.makeReadOnly(s.mountPoint(), recursive);
    }
    LOG.debug("{}: {} on {} as share {}{}{}", v.origin(), source, s.mountPoint(), s.tag(),
        s.readOnly() ? ", read-only" : "", recursive ? ", with its submounts" : "");
  }

  /** After the pod: unmounts every volume, keeping the empty volumes' files until gc. */
  void unmountAll() throws IOException, ProcessException, InterruptedException {
    Path root = layout.volumesDirectory();
    if (!Files.isDirectory(root)) {
      return; // nothing can be mounted below a directory that does not exist
    }
    Path real = root.toRealPath();
    for (MountTable.Entry e : mounts.table().under(real)) {
      mounts.unmount(e.mountPoint());
    }
    List<MountTable.Entry> left = mounts.table().under(real);
    if (!left.isEmpty()) {
      throw new IOException("still mounted after unmounting the pod's volumes: " + left.get(0).mountPoint());
    }
  }

  /** gc: unmounts every volume, then removes the directory with the empty volumes' files. Idempotent. */
  void remove() throws IOException, ProcessException, InterruptedException {
    unmountAll();
    Path root = layout.volumesDirectory();
    if (Files.isDirectory(root)) {
      deleteTree(root);
      LOG.debug("removed {}", root);
    }
  }

  /** Deletes a tree without following symlinks (a link an app left in an empty volume points nowhere here). */
  static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
