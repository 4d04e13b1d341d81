package io.stage1xen.volume;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One 9p share of a volume: the volume seen either read-write or read-only. A volume that some app mounts
 * read-only and another read-write gets two shares, so that the host enforces each app's read-only flag (the
 * read-only share is a read-only bind mount in dom0, which the guest cannot undo).
 *
 * @param hostDir the directory stage1-xen exports ({@code <pod>/xen/volumes/<tag>}): the volume is bind-mounted
 *     on it, or, for a single file, on the file {@link #FILE_NAME} inside it; for an app's writable root, the
 *     root itself, exported where rkt made it ({@link #exportedInPlace})
 * @param guestPath where the guest init mounts the share
 */
public record VolumeShare(String tag, PodVolume volume, boolean readOnly, Path hostDir, String guestPath) {
  /** The name a single-file volume has inside its share. */
  static final String FILE_NAME = "file";

  public VolumeShare {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(volume, "volume");
    Objects.requireNonNull(hostDir, "hostDir");
    Objects.requireNonNull(guestPath, "guestPath");
  }

  boolean isFile() {
    return volume.kind() == PodVolume.Kind.HOST_FILE;
  }

  /**
   * Whether the share is the volume's own path, with no bind mount of its own: an app's writable root, whose mount
   * rkt made and {@link AppRoots} closed (a read-only root needs a read-only bind; rkt's path stays writable).
   */
  boolean exportedInPlace() {
    return volume.source().map(hostDir::equals).orElse(false);
  }

  /** The host path the volume is bind-mounted on. */
  Path mountPoint() {
    return isFile() ? hostDir.resolve(FILE_NAME) : hostDir;
  }

  /** The guest path an app's mount binds from: the share itself, or the file inside it. */
  String guestSource() {
    return isFile() ? guestPath + "/" + FILE_NAME : guestPath;
  }
}
