package io.stage1xen.volume;

import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.PodLayout;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One tree stage1-xen exports to the VM: an app's root filesystem, or a volume, whatever declared it (a pod volume,
 * a mount's inline {@code appVolume}, or a mount point that no volume satisfies).
 *
 * @param key unique in the pod: the volume's name, {@code <app>.<name>} for volumes of one app only (a '.'
 *     cannot occur in an ACName, so these never collide with pod volumes), or {@code <app>/} for an app's root
 *     filesystem, or {@code /added} and {@code /addedvol} for a mutable pod's added apps and their volumes
 * @param origin how a person recognises it in a message, e.g. {@code volume "data" (volumes[1])}
 * @param source the host path of a host volume
 * @param recursive a host directory's submounts are shown too
 * @param mode permission bits of an empty volume's directory
 */
public record PodVolume(String key, String origin, Kind kind, Optional<Path> source, boolean recursive, int mode,
    long uid, long gid) {

  /** What backs the volume on the host. */
  public enum Kind {
    /** The app's root filesystem as rkt prepared it in the pod directory. */
    APP_ROOTFS,
    HOST_DIRECTORY,
    HOST_FILE,
    EMPTY,
    /**
     * A mutable pod's top directory of added apps (docs/MUTABLE.md): a directory of the pod's own, shown to the
     * guest read-only, on whose subdirectories app/add binds each added app's root.
     */
    ADDED_APPS,
    /** A mutable pod's top directory of added apps' volumes: as {@link #ADDED_APPS}, for each app's volumes. */
    ADDED_VOLUMES
  }

  public PodVolume {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
    if ((kind == Kind.EMPTY) == source.isPresent()) {
      throw new Stage1Failure(origin + ": a host volume needs a source and an empty one has none");
    }
  }

  static PodVolume host(String key, String origin, Kind kind, Path source, boolean recursive) {
    return new PodVolume(key, origin, kind, Optional.of(source), recursive, 0, 0, 0);
  }

  static PodVolume appRootfs(String app, Path rootfs) {
    return new PodVolume(app + "/", "root filesystem of app " + app, Kind.APP_ROOTFS, Optional.of(rootfs), false, 0,
        0, 0);
  }

  /** The added apps of a mutable pod: the directory {@code source} of the pod's own. */
  static PodVolume addedApps(Path source) {
    // a key no ACName can be (an app's root is "<app>/")
    return new PodVolume("/added", "added apps of the mutable pod", Kind.ADDED_APPS, Optional.of(source), false,
        0700, 0, 0);
  }

  /** The added apps' volumes of a mutable pod: the directory {@code source} of the pod's own. */
  static PodVolume addedVolumes(Path source) {
    return new PodVolume("/addedvol", "added apps' volumes of the mutable pod", Kind.ADDED_VOLUMES,
        Optional.of(source), false, 0700, 0, 0);
  }

  /** A directory of the host that rkt's user named: its owners may matter to whoever else uses it in dom0. */
  boolean isHostVolume() {
    return kind == Kind.HOST_DIRECTORY || kind == Kind.HOST_FILE;
  }

  static PodVolume empty(String key, String origin, int mode, long uid, long gid) {
    return new PodVolume(key, origin, Kind.EMPTY, Optional.empty(), false, mode, uid, gid);
  }

  /** Where an empty volume's files live on the host, shared by every app that mounts it. */
  Path dataDirectory(PodLayout layout) {
    return layout.volumesDirectory().resolve("empty").resolve(key);
  }
}
