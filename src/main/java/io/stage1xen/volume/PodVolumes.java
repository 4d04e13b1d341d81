package io.stage1xen.volume;

import io.stage1xen.appc.AcName;
import io.stage1xen.guest.AppPlan;
import io.stage1xen.guest.MountPlan;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import io.stage1xen.xen.HostVolumeOwnership;
import io.stage1xen.xen.P9SecurityModel;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * The host side of every tree a pod's VM sees, under {@code <pod>/xen/volumes}: each share's directory (the mount
 * point that QEMU exports), with a read-only app root, the host directory or file, or the empty volume's data
 * bind-mounted on it, and the empty volumes' data in {@code empty/<volume>}; an app's writable root is exported
 * where rkt mounted it. Every export is a {@code nodev}, {@code nosuid} mount (rkt's, closed by {@link AppRoots}, or
 * a bind of ours), read-only when the share is (an app's root with {@code readOnlyRootFS} too): dom0 enforces it,
 * whatever the guest does. Every app gets its mount points made in its root first ({@link InRootPaths}):
 * with {@code readOnlyRootFS} because the guest cannot make them on a read-only share, otherwise because the guest
 * reaches its root over 9p, where every name it looks up or creates is a round trip to dom0 (with a guest that
 * starts in one or two seconds, making them there was a measurable part of an app's start). rkt's own paths of the
 * apps' roots are closed first ({@link AppRoots}; the flags of rkt's mounts are the run's to set while xl creates the
 * domain, {@link AppRootFlags}) and stay closed after the pod, until gc.
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
   *
   * @return the flags of rkt's mounts of the apps' roots, still to be set before the guest gets its plan
   *     ({@link AppRootFlags}): the run sets them while xl creates the domain
   */
  public AppRootFlags prepare(VolumeMap map, PodPlan plan) throws Exception {
    try {
      Path root = layout.volumesDirectory();
      if (Files.exists(root)) {
        remove(); // left by an earlier attempt: start from nothing
      }
      Files.createDirectories(root);
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
      AppRootFlags flags = roots.prepare(plan.apps().stream().map(a -> AcName.of(a.name())).toList());
      for (PodVolume v : map.volumes()) {
        if (v.kind() == PodVolume.Kind.EMPTY) {
          createEmpty(v);
        }
      }
      for (VolumeShare s : map.exports()) {
        prepare(s, map, plan);
      }
      return flags;
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
    if (s.exportedInPlace()) {
      // an app's writable root: rkt's mount, which AppRoots closes, is what QEMU exports
      makeGuestMountPoints(s, s.hostDir(), map, plan);
      LOG.debug("{}: {} as share {} in place (rkt's mount, nodev, nosuid)", v.origin(), s.hostDir(), s.tag());
      return;
    }
    Files.createDirectory(s.hostDir());
    if (v.kind() == PodVolume.Kind.ADDED_APPS || v.kind() == PodVolume.Kind.ADDED_VOLUMES) {
      // read-only in dom0, read-write in the guest: the guest writes only inside the apps' roots (or volumes) bound
      // below it, and can never put a name (a symlink, say) where app/add will make a mount point
      Path source = v.source().orElseThrow();
      Files.createDirectory(source, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      mounts.bind(source, s.mountPoint(), false, true);
      mounts.restrict(s.hostDir(), false, true);
      LOG.debug("{}: {} on {} as share {}, nodev, nosuid, read-only in dom0", v.origin(), source, s.mountPoint(),
          s.tag());
      return;
    }
    if (s.isFile()) {
      Files.createFile(s.mountPoint());
    }
    export(s, s.hostDir(), map, plan);
  }

  /**
   * Binds a volume on its share directory (made already, with a single file's mount point in it) and closes it.
   *
   * @param shareDir the directory that is the share of a single file: bound on the share's directory first, so that
   *     the export is a mount of its own (the share's directory itself, or the slot app/add made)
   */
  private void export(VolumeShare s, Path shareDir, VolumeMap map, PodPlan plan)
      throws IOException, ProcessException, InterruptedException {
    PodVolume v = s.volume();
    Path source = v.kind() == PodVolume.Kind.EMPTY ? v.dataDirectory(layout) : v.source().orElseThrow();
    boolean recursive = v.kind() == PodVolume.Kind.HOST_DIRECTORY && v.recursive();
    if (v.kind() == PodVolume.Kind.APP_ROOTFS) {
      // in rkt's tree itself, before the bind: a read-only root's bind is read-only from its first moment
      makeGuestMountPoints(s, source.toRealPath(), map, plan);
    }
    if (s.isFile()) {
      // the share is the directory around the file: a mount of its own, so that it gets nodev and nosuid too
      mounts.bind(shareDir, s.hostDir(), false, s.readOnly());
    }
    mounts.bind(source, s.mountPoint(), recursive, s.readOnly());
    mounts.restrict(s.hostDir(), recursive || s.isFile(), s.readOnly());
    LOG.debug("{}: {} on {} as share {}, nodev, nosuid{}{}", v.origin(), source, s.mountPoint(), s.tag(),
        s.readOnly() ? ", read-only" : "", recursive ? ", with its submounts" : "");
  }

  /**
   * Makes, in an app's root, what the guest init would make there before mounting anything (app_prepare in
   * stage1/guest/apps.c, in its order): /proc, /sys and /dev, /etc/hosts and /etc/resolv.conf when the plan brings
   * them, and the app's volume targets, except those inside another of its volumes (they are made in that volume).
   */
  private void makeGuestMountPoints(VolumeShare rootfs, Path root, VolumeMap map, PodPlan plan) throws IOException {
    AppPlan app = plan.apps().stream().filter(a -> a.root().equals(rootfs.guestPath())).findFirst().orElseThrow();
    makeMountPoints(new InRootPaths(root), rootfs.volume().origin(), map, app.mounts(),
        plan.hosts() != null, plan.resolvConf() != null);
  }

  private void makeMountPoints(InRootPaths in, String origin, VolumeMap map, List<MountPlan> appMounts, boolean hosts,
      boolean resolvConf) throws IOException {
    List<String> made = new ArrayList<>();
    for (String dir : GUEST_DIRECTORIES) {
      record(made, dir, in.directory(dir));
    }
    if (hosts) {
      record(made, "etc/hosts", in.file("etc/hosts"));
    }
    if (resolvConf) {
      record(made, "etc/resolv.conf", in.file("etc/resolv.conf"));
    }
    List<String> targets = new ArrayList<>();
    for (MountPlan m : appMounts) {
      if (targets.stream().anyMatch(t -> m.target().startsWith(t + "/"))) {
        continue;
      }
      targets.add(m.target());
      boolean file = map.shares().stream().anyMatch(s -> s.isFile() && s.guestSource().equals(m.source()));
      record(made, m.target(), file ? in.file(m.target()) : in.directory(m.target()));
    }
    LOG.debug("{}: mount points ready in its root: {}", origin, made);
  }

  private static void record(List<String> made, String path, boolean ok) {
    made.add(ok ? path : path + " (left to the guest)");
  }

  /**
   * app/add of a mutable pod (docs/MUTABLE.md): closes the app's copy as the run closes its apps' ({@link AppRoots}),
   * then binds its root on {@code <pod>/xen/volumes/stage2/<app>}, {@code nodev}, {@code nosuid}, read-only with
   * {@code readOnlyRootFS}, and each of its volumes ({@link VolumeMapper#addedApp}) on its slot
   * {@code <pod>/xen/volumes/stage2vol/<app>/vol<n>} as the run binds a volume share: the running guest finds them
   * through the shares it booted with. A read-only root gets its mount points made first, as at the run. On failure,
   * what it made is undone.
   *
   * @return the dom0 path the app's root is bound on
   */
  public Path addApp(AcName app, boolean readOnly, VolumeMap volumes)
      throws IOException, ProcessException, InterruptedException {
    Path view = addedView(VolumeMapper.ADDED_TAG);
    Path volumesView = addedView(VolumeMapper.ADDED_VOLUMES_TAG);
    Path mountPoint = view.resolve(app.value());
    Path dir = layout.volumesDirectory().resolve(VolumeMapper.ADDED_SOURCE).resolve(app.value());
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new Stage1Failure("app \"" + app.value() + "\" is already in the pod VM (" + mountPoint + ")");
    }
    Path root = layout.appRootfs(app);
    if (!Files.isDirectory(root)) {
      throw new Stage1Failure(root + ": the root of app \"" + app.value() + "\" is missing (rkt renders it before"
          + " app/add)");
    }
    try {
      roots.guard(List.of(app));
      Files.createDirectory(dir);
      if (readOnly) {
        // which of /etc/hosts and /etc/resolv.conf the sandbox's plan brings is the supervisor's to know: both are
        // made (empty when the image has none), so that neither can be missing in the read-only root
        makeMountPoints(new InRootPaths(root.toRealPath()), "app " + app.value(), volumes, volumes.mounts(0), true,
            true);
      }
      mounts.bind(root.toRealPath(), mountPoint, false, readOnly);
      mounts.restrict(mountPoint, false, readOnly);
      Path slots = layout.volumesDirectory().resolve(VolumeMapper.ADDED_VOLUMES_SOURCE).resolve(app.value());
      Files.createDirectory(slots, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      for (PodVolume v : volumes.volumes()) {
        if (v.kind() == PodVolume.Kind.EMPTY) {
          createEmpty(v);
        }
      }
      for (VolumeShare s : volumes.shares()) {
        // the slot is made in the pod's own directory, and bound on through the read-only view the guest sees
        Files.createDirectory(slots.resolve(s.tag()));
        if (s.isFile()) {
          Files.createFile(slots.resolve(s.tag()).resolve(VolumeShare.FILE_NAME));
        }
        export(new VolumeShare(s.tag(), s.volume(), s.readOnly(), volumesView.resolve(app.value()).resolve(s.tag()),
            s.guestPath()), slots.resolve(s.tag()), volumes, null);
      }
    } catch (IOException | ProcessException | InterruptedException | RuntimeException e) {
      try {
        removeApp(app, volumes);
      } catch (Exception cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    LOG.debug("app {}: {} on {}, nodev, nosuid{}; {} volume(s)", app.value(), root, mountPoint,
        readOnly ? ", read-only" : "", volumes.shares().size());
    return mountPoint;
  }

  /**
   * app/rm of a mutable pod: unmounts what {@link #addApp} bound (and anything mounted below it), removes its mount
   * points and the data of its own empty volumes. Idempotent: an app whose add failed, or that was removed already,
   * has nothing left.
   */
  public void removeApp(AcName app, VolumeMap volumes) throws IOException, ProcessException, InterruptedException {
    for (String tag : List.of(VolumeMapper.ADDED_TAG, VolumeMapper.ADDED_VOLUMES_TAG)) {
      Path view = layout.volumesDirectory().resolve(tag);
      if (Files.isDirectory(view)) {
        Path real = view.toRealPath().resolve(app.value());
        for (MountTable.Entry e : mounts.table().under(real)) {
          mounts.unmount(e.mountPoint());
        }
        if (!mounts.table().under(real).isEmpty()) {
          throw new IOException("still mounted after unmounting app " + app.value() + ": " + real);
        }
      }
    }
    Path slots = layout.volumesDirectory().resolve(VolumeMapper.ADDED_VOLUMES_SOURCE).resolve(app.value());
    if (Files.isDirectory(slots, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(slots); // nothing is mounted there any more: only the empty slots (and a file volume's file) are left
    }
    for (PodVolume v : volumes.volumes()) {
      Path data = v.dataDirectory(layout);
      if (v.kind() == PodVolume.Kind.EMPTY && Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
        deleteTree(data);
      }
    }
    Path dir = layout.volumesDirectory().resolve(VolumeMapper.ADDED_SOURCE).resolve(app.value());
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(dir);
      LOG.debug("app {}: removed from the pod VM's shares of added apps", app.value());
    }
  }

  /** A share of added apps (or of their volumes), which exists while a mutable pod's run has its volumes mounted. */
  private Path addedView(String tag) throws IOException {
    Path view = layout.volumesDirectory().resolve(tag);
    Path real = Files.isDirectory(view) ? view.toRealPath() : view;
    if (mounts.table().entries().stream().noneMatch(e -> e.mountPoint().equals(real))) {
      throw new Stage1Failure(view + ": the pod has no share of added apps (not a running mutable pod of"
          + " stage1-xen)");
    }
    return real;
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
