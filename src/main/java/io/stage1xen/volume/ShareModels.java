package io.stage1xen.volume;

import io.stage1xen.pod.PodLayout;
import io.stage1xen.xen.HostVolumeOwnership;
import io.stage1xen.xen.P9SecurityModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 9p security model of each exported tree (docs/SECURITY.md). Root in the guest must not make a live device
 * node or a setuid-root file in dom0, so volumes are exported with a mapped model: QEMU creates plain files of
 * root, mode 0600, and keeps the owners, modes and device numbers the guest asked for as metadata. Host volumes of
 * a host whose operator set {@code host-volume-ownership = passthrough} get {@code none}.
 *
 * <p>An app's root filesystem gets {@code none} too: QEMU's mapped models read a symlink as a file holding its
 * target (the form they store symlinks in), so a symlink made outside 9p, as every image has them, reads back as
 * "Too many levels of symbolic links" in the guest (hw/9pfs/9p-local.c, local_readlink; measured under QEMU and on
 * Xen 4.17). Its protection is the {@code nodev},{@code nosuid} export and, with {@code readOnlyRootFS}, dom0's
 * read-only bind.
 *
 * <p>Which mapped model depends on the filesystem: {@code mapped-xattr} where it stores user extended attributes,
 * {@code mapped-file} (metadata in {@code .virtfs_metadata} directories) elsewhere, e.g. tmpfs before Linux 6.6.
 * Every filesystem of a tree is asked: a recursive host directory's submounts too, a single-file volume's file and
 * the share directory beside it. A tree in the pod's directory or written by an app is probed by setting and
 * removing an attribute; a host volume that is only read, by reading one (nothing is written to it). Anything but a clear yes means
 * {@code mapped-file}, which works on every filesystem.
 */
final class ShareModels {
  private static final Logger LOG = LoggerFactory.getLogger(ShareModels.class);
  static final String PROBE_ATTRIBUTE = "stage1-xen.probe";

  /** Whether a file's filesystem stores user extended attributes. A seam: tests describe filesystems. */
  interface XattrProbe {
    boolean userXattrs(Path path, boolean mayWrite);
  }

  /** The host's filesystems as they are. */
  static final XattrProbe FILES = ShareModels::probe;

  private ShareModels() {}

  /** The model of every volume of the map, by key. */
  static Map<String, P9SecurityModel> decide(VolumeMap map, HostVolumeOwnership ownership, PodLayout layout,
      MountTable table, XattrProbe probe) {
    Map<String, P9SecurityModel> out = new LinkedHashMap<>();
    for (PodVolume v : map.volumes()) {
      boolean written = map.exports().stream().anyMatch(s -> s.volume().key().equals(v.key()) && !s.readOnly());
      if (v.kind() == PodVolume.Kind.APP_ROOTFS || v.kind() == PodVolume.Kind.ADDED_APPS) {
        out.put(v.key(), P9SecurityModel.NONE);
        LOG.debug("{}: security_model=none (QEMU's mapped models cannot read the symlinks an image holds)",
            v.origin());
        continue;
      }
      if (v.kind() == PodVolume.Kind.ADDED_VOLUMES) {
        // the volumes app/add will bind below it are not known at boot, so nothing can be probed: mapped-file works
        // on every filesystem, and keeps root in the guest from making a live device or setuid file in any of them
        out.put(v.key(), P9SecurityModel.MAPPED_FILE);
        LOG.debug("{}: security_model=mapped-file (its volumes come later and cannot be probed now)", v.origin());
        continue;
      }
      if (v.isHostVolume() && ownership == HostVolumeOwnership.PASSTHROUGH) {
        out.put(v.key(), P9SecurityModel.NONE);
        LOG.debug("{}: security_model=none (host-volume-ownership = passthrough: the guest's owners, modes and"
            + " special files are real in dom0)", v.origin());
        continue;
      }
      List<Path> filesystems = switch (v.kind()) {
        case APP_ROOTFS, ADDED_APPS, ADDED_VOLUMES -> throw new IllegalStateException(v.origin()); // decided above
        case EMPTY -> List.of(layout.root()); // its data directory is made in the pod's
        case HOST_FILE -> List.of(v.source().orElseThrow(), layout.root());
        case HOST_DIRECTORY -> withSubmounts(v.source().orElseThrow(), v.recursive(), table);
      };
      // the pod's own directory may always take a probe attribute
      List<Path> without = filesystems.stream()
          .filter(p -> !probe.userXattrs(p, written || p.startsWith(layout.root()))).toList();
      P9SecurityModel model = without.isEmpty() ? P9SecurityModel.MAPPED_XATTR : P9SecurityModel.MAPPED_FILE;
      out.put(v.key(), model);
      LOG.debug("{}: security_model={} ({})", v.origin(), model.xlName(), without.isEmpty()
          ? "user extended attributes on " + filesystems : "no user extended attributes on " + without);
    }
    return out;
  }

  private static List<Path> withSubmounts(Path source, boolean recursive, MountTable table) {
    List<Path> out = new ArrayList<>(List.of(source));
    if (recursive) {
      Path real;
      try {
        real = source.toRealPath(); // mount(8) follows links; mountinfo has real paths
      } catch (IOException e) {
        real = source.toAbsolutePath().normalize(); // the bind mount will report what is wrong with it
      }
      for (MountTable.Entry e : table.under(real)) {
        if (!e.mountPoint().equals(real)) {
          out.add(e.mountPoint());
        }
      }
    }
    return out;
  }

  private static boolean probe(Path path, boolean mayWrite) {
    UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
    if (view == null) {
      return false;
    }
    if (mayWrite) {
      try {
        view.write(PROBE_ATTRIBUTE, ByteBuffer.wrap(new byte[] {'1'}));
        view.delete(PROBE_ATTRIBUTE);
        return true;
      } catch (IOException e) {
        LOG.debug("user extended attribute on {}: {}", path, e.getMessage());
        if (unsupported(e)) {
          return false;
        }
        // a read-only filesystem, an immutable directory: ask without writing
      }
    }
    try {
      view.size(PROBE_ATTRIBUTE);
      return true; // left by a probe that was interrupted
    } catch (IOException e) {
      LOG.debug("user extended attribute on {}: {}", path, e.getMessage());
      // ENODATA: the filesystem handles the user namespace and this file has no such attribute
      return e.getMessage() != null && e.getMessage().endsWith("No data available");
    }
  }

  /** EOPNOTSUPP, as the JDK words it (the errno is not exposed). */
  private static boolean unsupported(IOException e) {
    return e.getMessage() != null && e.getMessage().endsWith("Operation not supported");
  }
}
