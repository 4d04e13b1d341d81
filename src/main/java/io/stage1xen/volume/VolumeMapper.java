package io.stage1xen.volume;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.App;
import io.stage1xen.appc.InvalidValueException;
import io.stage1xen.appc.Mount;
import io.stage1xen.appc.MountPoint;
import io.stage1xen.appc.RuntimeApp;
import io.stage1xen.appc.Volume;
import io.stage1xen.appc.VolumeKind;
import io.stage1xen.guest.MountPlan;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.Pod;
import io.stage1xen.pod.PodLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the pod to the trees its VM sees: first each app's root filesystem (share {@code app<i>}, read-only when the
 * runtime app has {@code readOnlyRootFS}), then the pod's {@code volumes}, each app's {@code mounts} and its image's
 * {@code mountPoints} as shares and guest mounts, with the rules of rkt's own stage1 (stage1/init/common/mount.go
 * in rkt 1.30.0):
 *
 * <ul>
 *   <li>every mount of the runtime app is made; its read-only flag is the volume's {@code readOnly} when set,
 *       otherwise that of the app's mount point named like the volume, otherwise false;
 *   <li>a mount point with no mount at its path uses the pod volume of its name (read-only as above, the mount
 *       point's flag standing in), or, when there is none, an empty volume of the app's own (mode 0755, uid and gid
 *       0, removed by gc);
 *   <li>{@code recursive} unset means recursive.
 * </ul>
 *
 * Only the host's paths are read (does a source exist, is it a directory or a file); nothing is changed. Errors are
 * one line naming the file, the field and the value.
 */
public final class VolumeMapper {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeMapper.class);
  /** Where the guest mounts the share of app i (tag {@code app<i>}) and of volume share n (tag {@code vol<n>}). */
  static final String SHARE_ROOT = "/s1x/share/";
  /** The tag of an app's root filesystem share: {@code app<i>}, i its index in the pod. */
  static final String APP_TAG_PREFIX = "app";
  /**
   * The tag of a mutable pod's share of added apps (docs/MUTABLE.md): {@code <pod>/xen/volumes/stage2}, the
   * read-only view of {@link #ADDED_SOURCE}, on whose subdirectories app/add binds each added app's root.
   */
  public static final String ADDED_TAG = "stage2";

  /** Where the guest sees an added app's root: its directory in the share of added apps. */
  public static String addedAppRoot(AcName app) {
    return SHARE_ROOT + ADDED_TAG + "/" + app.value();
  }
  /** The pod's own directory, root only and never exported, whose read-only view the added apps' share is. */
  public static final String ADDED_SOURCE = "added";
  /**
   * The tag of a mutable pod's share of added apps' volumes: {@code <pod>/xen/volumes/stage2vol}, the read-only view
   * of {@link #ADDED_VOLUMES_SOURCE}; app/add binds each volume of an added app on {@code <app>/vol<n>} below it.
   * A share of its own because volumes need a mapped 9p security model and apps' roots cannot have one.
   */
  public static final String ADDED_VOLUMES_TAG = "stage2vol";
  /** The pod's own directory, root only and never exported, whose read-only view is {@link #ADDED_VOLUMES_TAG}. */
  public static final String ADDED_VOLUMES_SOURCE = "addedvol";
  /** The tag of a volume share: {@code vol<N>}, next to the apps' shares. */
  static final String TAG_PREFIX = "vol";
  private static final int PATH_MAX = 4095;

  /** What a host path is. A seam: tests describe the host instead of creating device nodes. */
  public interface HostPaths {
    PathKind kindOf(Path path);
  }

  public enum PathKind {
    DIRECTORY,
    FILE,
    OTHER,
    MISSING
  }

  /** The host's files as they are (symlinks followed, as mount(8) follows them). */
  public static final HostPaths FILES = p -> Files.isDirectory(p) ? PathKind.DIRECTORY
      : Files.isRegularFile(p) ? PathKind.FILE : Files.exists(p) ? PathKind.OTHER : PathKind.MISSING;

  private final Pod pod;
  private final PodLayout layout;
  private final HostPaths host;
  private final Map<String, PodVolume> volumes = new HashMap<>();
  private final Map<String, VolumeShare> shares = new LinkedHashMap<>();
  /** Set for an added app: its volumes become slots of the added apps' volume share instead of shares of their own. */
  private final AcName added;

  private VolumeMapper(Pod pod, HostPaths host, AcName added) {
    this.pod = pod;
    this.layout = pod.layout();
    this.host = host;
    this.added = added;
  }

  public static VolumeMap map(Pod pod, HostPaths host) {
    return new VolumeMapper(pod, host, null).map();
  }

  /**
   * The volumes of an app added to a running mutable pod (docs/MUTABLE.md), by the same rules as a pod's app: each
   * volume share of the result is a slot {@code <app>/vol<n>} of the share {@link #ADDED_VOLUMES_TAG} (its host
   * directory below {@code <pod>/xen/volumes/stage2vol}), and its only app mounts are the app's. The result depends
   * only on the pod manifest and the host's paths, so app/add (which binds the slots) and the supervisor (which
   * plans the app's mounts) compute the same.
   */
  public static VolumeMap addedApp(Pod pod, AcName app, HostPaths host) {
    List<RuntimeApp> apps = pod.manifest().apps();
    for (int i = 0; i < apps.size(); i++) {
      if (apps.get(i).name().equals(app)) {
        VolumeMapper mapper = new VolumeMapper(pod, host, app);
        List<MountPlan> mounts = mapper.appMounts(i, apps.get(i));
        return new VolumeMap(List.of(), List.copyOf(mapper.shares.values()), List.of(mounts));
      }
    }
    throw new IllegalArgumentException("no app " + app.value()); // the entrypoints check the name first
  }

  private VolumeMap map() {
    List<List<MountPlan>> perApp = new ArrayList<>();
    List<RuntimeApp> apps = pod.manifest().apps();
    List<VolumeShare> roots = new ArrayList<>();
    for (int i = 0; i < apps.size(); i++) {
      RuntimeApp ra = apps.get(i);
      Path rootfsPath = layout.appRootfs(ra.name());
      PodVolume rootfs = PodVolume.appRootfs(ra.name().value(), rootfsPath);
      String tag = APP_TAG_PREFIX + i;
      // a writable root is exported where rkt mounted it (closed nosuid,nodev by AppRoots): a bind of it would cost
      // a mount process at every start; a read-only root needs a read-only bind, rkt's own path staying writable
      Path hostDir = ra.readOnlyRootFS() ? layout.volumesDirectory().resolve(tag) : rootfsPath;
      roots.add(new VolumeShare(tag, rootfs, ra.readOnlyRootFS(), hostDir, SHARE_ROOT + tag));
    }
    if (pod.manifest().isMutable()) {
      // Xen cannot add a 9p device to a running domain: the shares every added app and its volumes will appear in
      // exist from boot
      PodVolume added = PodVolume.addedApps(layout.volumesDirectory().resolve(ADDED_SOURCE));
      roots.add(new VolumeShare(ADDED_TAG, added, false, layout.volumesDirectory().resolve(ADDED_TAG),
          SHARE_ROOT + ADDED_TAG));
      PodVolume addedVolumes = PodVolume.addedVolumes(layout.volumesDirectory().resolve(ADDED_VOLUMES_SOURCE));
      roots.add(new VolumeShare(ADDED_VOLUMES_TAG, addedVolumes, false,
          layout.volumesDirectory().resolve(ADDED_VOLUMES_TAG), SHARE_ROOT + ADDED_VOLUMES_TAG));
    }
    for (int i = 0; i < apps.size(); i++) {
      perApp.add(appMounts(i, apps.get(i)));
    }
    return new VolumeMap(roots, List.copyOf(shares.values()), perApp);
  }

  private List<MountPlan> appMounts(int index, RuntimeApp ra) {
    App app = pod.app(ra);
    String appField = "apps[" + index + "]";
    Map<String, String> targets = new HashMap<>();
    List<MountPlan> out = new ArrayList<>();
    for (int j = 0; j < ra.mounts().size(); j++) {
      Mount m = ra.mounts().get(j);
      String field = appField + ".mounts[" + j + "]";
      String target = target(layout.podManifest(), field + ".path", m.path());
      String earlier = targets.putIfAbsent(target, field);
      if (earlier != null) {
        throw error(layout.podManifest(), field + ".path", "is already the path of " + earlier, m.path());
      }
      PodVolume volume;
      Optional<Boolean> volumeReadOnly;
      if (m.appVolume().isPresent()) {
        Volume v = m.appVolume().get();
        volume = declared(ra.name().value() + "." + v.name().value(), v, field + ".appVolume",
            "inline volume \"" + v.name().value() + "\" of app " + ra.name().value());
        volumeReadOnly = v.readOnly();
      } else {
        int k = volumeIndex(m.volume().value());
        Volume v = pod.manifest().volumes().get(k);
        volume = declared(v.name().value(), v, "volumes[" + k + "]", "volume \"" + v.name().value() + "\"");
        volumeReadOnly = v.readOnly();
      }
      boolean mountPointReadOnly = app.mountPoints().stream().filter(mp -> mp.name().equals(m.volume()))
          .findFirst().map(MountPoint::readOnly).orElse(false);
      out.add(mount(volume, volumeReadOnly.orElse(mountPointReadOnly), target));
    }
    for (int k = 0; k < app.mountPoints().size(); k++) {
      MountPoint mp = app.mountPoints().get(k);
      boolean fromPod = ra.app().isPresent();
      Path file = fromPod ? layout.podManifest() : layout.appManifest(ra.name());
      String field = (fromPod ? appField + ".app" : "app") + ".mountPoints[" + k + "]";
      String target = target(file, field + ".path", mp.path());
      if (targets.containsKey(target)) {
        continue; // a mount of the runtime app already serves this path
      }
      targets.put(target, field);
      Optional<Volume> named = pod.manifest().volume(mp.name());
      if (named.isPresent()) {
        Volume v = named.get();
        PodVolume volume = declared(v.name().value(), v, "volumes[" + volumeIndex(v.name().value()) + "]",
            "volume \"" + v.name().value() + "\"");
        out.add(mount(volume, v.readOnly().orElse(mp.readOnly()), target));
      } else {
        String key = ra.name().value() + "." + mp.name().value();
        PodVolume volume = volumes.computeIfAbsent(key, x -> {
          LOG.info("app {}: no volume for mount point {} ({}): it gets an empty volume of its own, removed by gc",
              ra.name(), mp.name(), mp.path());
          return PodVolume.empty(key, "empty volume of mount point \"" + mp.name().value() + "\" of app "
              + ra.name().value(), Volume.DEFAULT_EMPTY_MODE, 0, 0);
        });
        out.add(mount(volume, mp.readOnly(), target));
      }
    }
    // a mount nested in another volume's path must come after it, or the outer mount would hide it
    out.sort(Comparator.comparingInt(m -> depth(m.target())));
    return out;
  }

  private int volumeIndex(String name) {
    List<Volume> all = pod.manifest().volumes();
    for (int k = 0; k < all.size(); k++) {
      if (all.get(k).name().value().equals(name)) {
        return k;
      }
    }
    throw new IllegalStateException("no volume " + name); // the pod manifest's constructor rules this out
  }

  /** The host side of a volume the manifest declares; a host source is checked once, here. */
  private PodVolume declared(String key, Volume v, String field, String origin) {
    PodVolume known = volumes.get(key);
    if (known != null) {
      return known;
    }
    PodVolume volume;
    if (v.kind() == VolumeKind.EMPTY) {
      volume = PodVolume.empty(key, origin, v.effectiveMode(), v.effectiveUid(), v.effectiveGid());
    } else {
      String source = v.source().orElseThrow();
      Path path = Path.of(source);
      PodVolume.Kind kind = switch (host.kindOf(path)) {
        case DIRECTORY -> PodVolume.Kind.HOST_DIRECTORY;
        case FILE -> PodVolume.Kind.HOST_FILE;
        case MISSING -> throw error(layout.podManifest(), field + ".source",
            "the host path of " + origin + " does not exist", source);
        case OTHER -> throw error(layout.podManifest(), field + ".source",
            "the host path of " + origin + " is neither a directory nor a regular file", source);
      };
      // rkt's stage1: "If Recursive is not set, default to recursive."
      volume = PodVolume.host(key, origin, kind, path, v.recursive().orElse(true));
    }
    volumes.put(key, volume);
    return volume;
  }

  private MountPlan mount(PodVolume volume, boolean readOnly, String target) {
    String shareKey = volume.key() + (readOnly ? ":ro" : ":rw");
    VolumeShare share = shares.computeIfAbsent(shareKey, k -> {
      String tag = TAG_PREFIX + shares.size();
      if (added != null) {
        String slot = ADDED_VOLUMES_TAG + "/" + added.value() + "/" + tag;
        return new VolumeShare(tag, volume, readOnly, layout.volumesDirectory().resolve(slot), SHARE_ROOT + slot);
      }
      return new VolumeShare(tag, volume, readOnly, layout.volumesDirectory().resolve(tag), SHARE_ROOT + tag);
    });
    return new MountPlan(share.guestSource(), target, readOnly);
  }

  /**
   * The mount path in its plain form: absolute, single slashes, no {@code .}; the appc model has already refused
   * NUL and {@code ..}. The guest resolves it inside the app's root (symlinks included), never outside.
   */
  static String target(Path file, String field, String path) {
    if (!path.startsWith("/")) {
      throw error(file, field, "must be an absolute path", path);
    }
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.equals("..")) {
        throw error(file, field, "must not contain '..'", path);
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    if (parts.isEmpty()) {
      throw error(file, field, "is the app's root directory: a volume cannot replace the whole root", path);
    }
    String clean = "/" + String.join("/", parts);
    if (clean.length() > PATH_MAX) {
      throw error(file, field, "is longer than " + PATH_MAX + " bytes", path);
    }
    return clean;
  }

  private static int depth(String target) {
    return (int) target.chars().filter(c -> c == '/').count();
  }

  private static Stage1Failure error(Path file, String field, String problem, String value) {
    return new Stage1Failure(file + ": " + field + ": " + problem + ": "
        + InvalidValueException.render(value));
  }
}
