package io.stage1xen.volume;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.InvalidValueException;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.process.ProcessException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rkt's own copies of the apps' root filesystems in dom0, closed for the pod's whole life. An app's root is exported
 * with QEMU's {@code none} model (a mapped model cannot read the image's symlinks), so root in the guest makes real
 * setuid-root files, foreign owners and, with a QEMU that allows it, device nodes in them. They land in the tree rkt
 * prepared: {@code stage1/rootfs/opt/stage2/<app>/rootfs}, an overlay mount whose upper layer is
 * {@code overlay/<treeStoreID>/upper/<app>}, or a plain copy with {@code --no-overlay}; an installed rkt lets its
 * group read the pod directory. So, before the domain exists (the flags of rkt's own mounts: before the guest gets its
 * plan, {@link AppRootFlags}):
 *
 * <ul>
 *   <li>every app's root path is a {@code nosuid,nodev} mount: rkt's overlay mount remounted with those flags (a
 *       bind remount changes that one mount's flags, nothing else), or, without overlays, the directory bound onto
 *       itself with them; checked in the mount table;
 *   <li>the directories above the raw overlay layers of the apps ({@code overlay/<treeStoreID>/upper} and
 *       {@code /work}) and each app's {@code opt/stage2/<app>} are made 0700: the layers live on dom0's own
 *       filesystem, where no mount flag protects them, and the upper layer itself is the root inode the guest sees, so
 *       its own mode stays the image's. The stage1's layers stay as they are: {@code rkt status} reads its upper layer
 *       as a member of rkt's group.
 * </ul>
 *
 * <p>The directory modes are kept on disk and go with the pod directory; the mount flags last as long as the mounts
 * do. Nothing the guest made is changed: it is the app's data ({@code rkt export} of the exited pod copies it), and
 * only root can reach it in dom0 until rkt deletes the pod.
 */
final class AppRoots {
  private static final Logger LOG = LoggerFactory.getLogger(AppRoots.class);
  private static final Set<PosixFilePermission> ROOT_ONLY = Set.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
  /** rkt's tree store ids ({@code deps-sha512-<hex>}): a plain name, never a path. */
  private static final Pattern TREE_STORE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
  private static final String ROOTFS = "rootfs";

  private final HostMounts mounts;
  private final PodLayout layout;

  AppRoots(HostMounts mounts, PodLayout layout) {
    this.mounts = mounts;
    this.layout = layout;
  }

  /** Closes each app's root as the class says; an error leaves what was done for {@link #release()} to undo. */
  void guard(List<AcName> apps) throws IOException, ProcessException, InterruptedException {
    prepare(apps).apply();
  }

  /**
   * Closes each app's root as the class says, except the flags of rkt's overlay mounts, which the returned step sets.
   * Everything that decides which tree a path shows (a bind without overlays) is done here; the remount only changes
   * the flags of the mount that is there, which a file QEMU opened before sees as well. An error leaves what was done
   * for {@link #release()} to undo.
   */
  AppRootFlags prepare(List<AcName> apps) throws IOException, ProcessException, InterruptedException {
    boolean overlay = layout.mode() == PodLayout.Mode.OVERLAY;
    String stage1Tree = overlay ? treeStoreId(layout.stage1TreeStoreId()) : null;
    List<Path> remount = new ArrayList<>();
    for (AcName app : apps) {
      List<Path> closed = new ArrayList<>();
      if (overlay) {
        String tree = treeStoreId(layout.appsInfoTreeStoreId(app));
        if (tree.equals(stage1Tree)) {
          throw new IOException(layout.appsInfoTreeStoreId(app) + ": app " + app.value()
              + " runs the stage1's own image, whose upper layer rkt's group must read: its root cannot be closed");
        }
        Path layers = layout.overlayDirectory().resolve(tree);
        closed.add(rootOnly(layers.resolve("upper")));
        closed.add(rootOnly(layers.resolve("work")));
      }
      closed.add(rootOnly(layout.appDirectory(app)));
      // the mount table names real paths only
      Path root = layout.appRootfs(app).toRealPath();
      if (mounts.table().entries().stream().noneMatch(e -> e.mountPoint().equals(root))) {
        if (overlay) {
          throw new IOException("rkt's overlay mount of app " + app.value() + " is missing at " + root);
        }
        mounts.bind(root, root, false, false);
        mounts.restrict(root, false, false);
      } else {
        remount.add(root);
      }
      LOG.debug("app {}: {} ({}), root only: {}", app.value(), root,
          overlay ? "rkt's overlay mount" : "bound onto itself, nosuid,nodev", closed);
    }
    return new AppRootFlags(mounts, remount);
  }

  /**
   * Unmounts the binds {@link #guard} made: with {@code --no-overlay}, where rkt mounts nothing, whatever is mounted
   * on an app's root. rkt's overlay mounts are rkt's to unmount (it does after gc). Read from the mount table only,
   * so that it works after a crash; idempotent.
   */
  void release() throws IOException, ProcessException, InterruptedException {
    Path stage2 = layout.stage2Directory();
    if (layout.mode() == PodLayout.Mode.OVERLAY || !Files.isDirectory(stage2)) {
      return;
    }
    Path real = stage2.toRealPath();
    for (MountTable.Entry e : mounts.table().under(real)) {
      Path p = e.mountPoint();
      if (p.getNameCount() == real.getNameCount() + 2 && p.getFileName().toString().equals(ROOTFS)) {
        mounts.unmount(p);
      }
    }
  }

  /** rkt writes the id without a newline; anything but a plain name would make the layer's path escape. */
  private static String treeStoreId(Path file) throws IOException {
    String id = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (!TREE_STORE_ID.matcher(id).matches() || id.equals("..") || id.equals(".")) {
      throw new IOException(file + ": not a tree store id: " + InvalidValueException.quote(id));
    }
    return id;
  }

  /** A directory rkt made, never a link (followed, it could change the mode of anything). */
  private static Path rootOnly(Path dir) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
    if (!view.readAttributes().isDirectory()) {
      throw new IOException(dir + ": not a directory; rkt made it one");
    }
    view.setPermissions(ROOT_ONLY);
    return dir;
  }
}
