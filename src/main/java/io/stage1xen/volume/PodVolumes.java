package io.stage1xen.volume;

import io.stage1xen.appc.AcName;
import io.stage1xen.guest.AppPlan;
import io.stage1xen.guest.MountPlan;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import io.stage1xen.xen.HostVolumeOwnership;
import io.stage1xen.xen.P9SecurityModel;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of every tree a pod's VM sees, all under {@code <pod>/xen/volumes}: each share's directory (the
 * mount point that QEMU exports), with the app's root filesystem, the host directory or file, or the empty volume's
 * data bind-mounted on it, and the empty volumes' data in {@code empty/<volume>}. Every export is a {@code nodev},
 * {@code nosuid} bind mount, read-only when the share is (an app's root with {@code readOnlyRootFS} too): dom0
 * enforces it, whatever the guest does. An app with {@code readOnlyRootFS} gets its mount points made in its root
 * first ({@link InRootPaths}), since the guest cannot make them on a read-only share. rkt's own paths of the apps'
 * roots are closed first ({@link AppRoots}) and stay closed after the pod, until gc.
 *
 * <p>Nothing is prepared until the domain is about to be created, and a failure undoes everything before it is
 * reported. Teardown trusts nothing but the mount table: it unmounts whatever is mounted under the directory,
 * deepest first, so that it also works after the run entrypoint was killed, and it deletes files only once nothing
 * is mounted there any more (a bind-mounted host directory is never walked).
 */
public final class PodVolumes {
  private static final Logger LOG = LoggerFactory.getLogger(PodVolumes.class);
  /** What the guest init makes in every app's root before anything is mounted there (stage1/guest/apps.c). */
  private static final List<String> GUEST_DIRECTORIES = List.of("proc", "sys", "dev");

  private final HostMounts mounts;
  private final PodLayout layout;
  private final ShareModels.XattrProbe probe;
  private final AppRoots roots;

  PodVolumes(HostMounts mounts, PodLayout layout, ShareModels.XattrProbe probe) {
    this.mounts = mounts;
    this.layout = layout;
    this.probe = probe;
    this.roots = new AppRoots(mounts, layout);
  }

  /** The pod's volumes on this host: mounts made through {@code runner}, read back from {@code mountinfo}. */
  public static PodVolumes of(ProcessRunner runner, Path mountinfo, PodLayout layout) {
    return new PodVolumes(new HostMounts(runner, mountinfo), layout, ShareModels.FILES);
  }

  /** The 9p security model of every volume of the map, by key ({@link ShareModels}). */
  public Map<String, P9SecurityModel> securityModels(VolumeMap map, HostVolumeOwnership ownership) throws IOException {
    return ShareModels.decide(map, ownership, layout, mounts.table(), probe);
  }

  /**
   * Closes rkt's copies of the apps' roots to everyone but root ({@link AppRoots}), then makes every share of the
   * map for the guest's plan; on failure removes what it made and rethrows.
   */
  public void prepare(VolumeMap map, PodPlan plan) throws Exception {
    try {
      Path root = layout.volumesDirectory();
      if (Files.exists(root)) {
        remove(); // left by an earlier attempt: start from nothing
      }
      Files.createDirectories(root);
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
      roots.guard(plan.apps().stream().map(a -> AcName.of(a.name())).toList());
      for (PodVolume v : map.volumes()) {
        if (v.kind() == PodVolume.Kind.EMPTY) {
          createEmpty(v);
        }
      }
      for (VolumeShare s : map.exports()) {
        prepare(s, map, plan);
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

  private void prepare(VolumeShare s, VolumeMap map, PodPlan plan)
      throws IOException, ProcessException, InterruptedException {
    PodVolume v = s.volume();
    Files.createDirectory(s.hostDir());
    Path source = v.kind() == PodVolume.Kind.EMPTY ? v.dataDirectory(layout) : v.source().orElseThrow();
    boolean recursive = v.kind() == PodVolume.Kind.HOST_DIRECTORY && v.recursive();
    if (s.isFile()) {
      Files.createFile(s.mountPoint());
      // the share is the directory around the file: a mount of its own, so that it gets nodev and nosuid too
      mounts.bind(s.hostDir(), s.hostDir(), false);
    }
    mounts.bind(source, s.mountPoint(), recursive);
    if (v.kind() == PodVolume.Kind.APP_ROOTFS && s.readOnly()) {
      makeGuestMountPoints(s, map, plan);
    }
    mounts.restrict(s.hostDir(), recursive || s.isFile(), s.readOnly());
    LOG.debug("{}: {} on {} as share {}, nodev, nosuid{}{}", v.origin(), source, s.mountPoint(), s.tag(),
        s.readOnly() ? ", read-only" : "", recursive ? ", with its submounts" : "");
  }

  /**
   * Makes, in a read-only root, what the guest init would make there before mounting anything (app_prepare in
   * stage1/guest/apps.c, in its order): /proc, /sys and /dev, /etc/hosts and /etc/resolv.conf when the plan brings
   * them, and the app's volume targets, except those inside another of its volumes (they are made in that volume).
   */
  private void makeGuestMountPoints(VolumeShare rootfs, VolumeMap map, PodPlan plan) throws IOException {
    AppPlan app = plan.apps().stream().filter(a -> a.root().equals(rootfs.guestPath())).findFirst().orElseThrow();
    InRootPaths in = new InRootPaths(rootfs.hostDir());
    List<String> made = new ArrayList<>();
    for (String dir : GUEST_DIRECTORIES) {
      record(made, dir, in.directory(dir));
    }
    if (plan.hosts() != null) {
      record(made, "etc/hosts", in.file("etc/hosts"));
    }
    if (plan.resolvConf() != null) {
      record(made, "etc/resolv.conf", in.file("etc/resolv.conf"));
    }
    List<String> targets = new ArrayList<>();
    for (MountPlan m : app.mounts()) {
      if (targets.stream().anyMatch(t -> m.target().startsWith(t + "/"))) {
        continue;
      }
      targets.add(m.target());
      boolean file = map.shares().stream().anyMatch(s -> s.isFile() && s.guestSource().equals(m.source()));
      record(made, m.target(), file ? in.file(m.target()) : in.directory(m.target()));
    }
    LOG.debug("{}: mount points ready in the read-only root: {}", rootfs.volume().origin(), made);
  }

  private static void record(List<String> made, String path, boolean ok) {
    made.add(ok ? path : path + " (left to the guest)");
  }

  /**
   * After the pod: unmounts every volume, keeping the empty volumes' files until gc, and the apps' roots closed
   * ({@link AppRoots}): what the guest made there stays until rkt deletes the pod.
   */
  public void unmountAll() throws IOException, ProcessException, InterruptedException {
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

  /**
   * gc: unmounts every volume and the binds that closed the apps' roots, then removes the directory with the empty
   * volumes' files. Idempotent.
   */
  public void remove() throws IOException, ProcessException, InterruptedException {
    unmountAll();
    roots.release();
    Path root = layout.volumesDirectory();
    if (Files.isDirectory(root)) {
      deleteTree(root);
      LOG.debug("removed {}", root);
    }
  }

  /** Deletes a tree without following symlinks (a link an app left in an empty volume points nowhere here). */
  public static void deleteTree(Path root) throws IOException {
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
