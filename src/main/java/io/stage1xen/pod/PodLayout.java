package io.stage1xen.pod;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.PodUuid;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Every path of a rkt pod directory (rkt 1.30.0's layout) plus stage1-xen's own files under {@code xen/}.
 *
 * <p>The pod directory is the working directory rkt starts an entrypoint in. It is never derived from argv[0]
 * (enter runs from rkt's tree store) nor from a built-in {@code /var/lib/rkt} (rkt's {@code --dir} moves it).
 */
public record PodLayout(Path root) {

  /** How rkt laid out the app and stage1 trees: overlay mounts over the tree store, or plain copies. */
  public enum Mode {
    OVERLAY,
    NO_OVERLAY
  }

  public PodLayout {
    if (root == null) {
      throw new Stage1Failure("the pod directory is required");
    }
    if (!root.isAbsolute()) {
      throw new Stage1Failure("the pod directory must be an absolute path: " + root);
    }
    root = root.normalize();
  }

  public static PodLayout of(Path podDirectory) {
    return new PodLayout(podDirectory.toAbsolutePath());
  }

  /** The pod rkt started this process for: its working directory. */
  public static PodLayout fromWorkingDirectory() {
    return of(Path.of(System.getProperty("user.dir")));
  }

  // ---- written by stage0

  /** The pod manifest (JSON, one line). */
  public Path podManifest() {
    return root.resolve("pod");
  }

  /** Empty; its modification time is the pod's creation time. */
  public Path podCreated() {
    return root.resolve("pod-created");
  }

  /** Empty; stage0 locks it while it changes a mutable pod (app add/rm). */
  public Path podLock() {
    return root.resolve("pod.lck");
  }

  public Path stage1Directory() {
    return root.resolve("stage1");
  }

  /** A copy of the stage1 image manifest; rkt reads the entrypoint annotations from it. */
  public Path stage1Manifest() {
    return stage1Directory().resolve("manifest");
  }

  /** The stage1 image's root: an overlay mount, or a copy with {@code --no-overlay}. */
  public Path stage1Rootfs() {
    return stage1Directory().resolve("rootfs");
  }

  /** Text such as {@code deps-sha512-e7518d…}: the stage1 tree in rkt's tree store. */
  public Path stage1TreeStoreId() {
    return root.resolve("stage1TreeStoreID");
  }

  /** Empty marker; exists only in overlay mode. */
  public Path overlayPrepared() {
    return root.resolve("overlay-prepared");
  }

  /** Upper and work directories of the overlay mounts (overlay mode only). */
  public Path overlayDirectory() {
    return root.resolve("overlay");
  }

  /** {@code start:count} of the user namespace shift, without newline (only with {@code --private-users}). */
  public Path privateUsersPrepared() {
    return root.resolve("private-users-prepared");
  }

  public Path appsInfo(AcName app) {
    return root.resolve("appsinfo").resolve(app.value());
  }

  /** stage0's copy of the app's image manifest. */
  public Path appsInfoManifest(AcName app) {
    return appsInfo(app).resolve("manifest");
  }

  /** The app's tree in the tree store (overlay mode only). */
  public Path appsInfoTreeStoreId(AcName app) {
    return appsInfo(app).resolve("treeStoreID");
  }

  public Path stage2Directory() {
    return stage1Rootfs().resolve("opt").resolve("stage2");
  }

  public Path appDirectory(AcName app) {
    return stage2Directory().resolve(app.value());
  }

  /** The app's image manifest inside the stage1 tree. */
  public Path appManifest(AcName app) {
    return appDirectory(app).resolve("manifest");
  }

  /** The app's root filesystem: an overlay mount, or a copy with {@code --no-overlay}. */
  public Path appRootfs(AcName app) {
    return appDirectory(app).resolve("rootfs");
  }

  /** Written by stage0 for {@code rkt app add}: newline-separated {@code K=V} lines. */
  public Path appEnvironment(AcName app) {
    return stage1Rootfs().resolve("rkt").resolve("env").resolve(app.value());
  }

  /** stage0's resolv.conf for the apps, only with {@code --dns-conf-mode=resolv=stage0}. */
  public Path stage0ResolvConf() {
    return stage1Rootfs().resolve("etc").resolve("rkt-resolv.conf");
  }

  /** stage0's hosts file for the apps, only with {@code --dns-conf-mode=hosts=stage0}. */
  public Path stage0Hosts() {
    return stage1Rootfs().resolve("etc").resolve("rkt-hosts");
  }

  /** The base of stage0's hosts file, if the stage1 image ships one. */
  public Path hostsFallback() {
    return stage1Rootfs().resolve("etc").resolve("hosts-fallback");
  }

  // ---- written by the stage1, read by rkt

  /** Must exist in the stage1 image; holds the apps' exit codes. */
  public Path statusDirectory() {
    return stage1Rootfs().resolve("rkt").resolve("status");
  }

  /** The app's exit code in decimal; rkt's {@code status} and {@code app list} read it. */
  public Path appStatus(AcName app) {
    return statusDirectory().resolve(app.value());
  }

  /** Created by stage0 when {@code app add} created the app. */
  public Path appCreatedMarker(AcName app) {
    return statusDirectory().resolve(app.value() + "-created");
  }

  /** Created by stage0 before {@code app start}; its presence means "running" to rkt. */
  public Path appStartedMarker(AcName app) {
    return statusDirectory().resolve(app.value() + "-started");
  }

  /** Symlink to {@code ready} once the supervisor can take app commands (and for status --wait-ready). */
  public Path supervisorStatus() {
    return stage1Rootfs().resolve("rkt").resolve("supervisor-status");
  }

  /** The PID {@code rkt enter} passes to the enter entrypoint; its mtime is the pod's start time. */
  public Path pidFile() {
    return root.resolve("pid");
  }

  /** Alternative to {@link #pidFile()}: a PID whose single child is the one enter gets. */
  public Path ppidFile() {
    return root.resolve("ppid");
  }

  /** The pod's cgroup, written before the pid file if at all. */
  public Path subcgroupFile() {
    return root.resolve("subcgroup");
  }

  /** The networks of the pod, read by {@code rkt list} and {@code rkt status}. */
  public Path netInfo() {
    return root.resolve("net-info.json");
  }

  // ---- stage1-xen's own files

  public Path xenDirectory() {
    return root.resolve("xen");
  }

  /** The xl domain configuration of the pod's VM. */
  public Path domainConfig() {
    return xenDirectory().resolve("domain.cfg");
  }

  /** The host end of the control channel to the guest (docs/PROTOCOL.md). */
  public Path controlSocket() {
    return xenDirectory().resolve("ctl.sock");
  }

  /** The run supervisor's socket for enter sessions (root only). */
  public Path execSocket() {
    return xenDirectory().resolve("exec.sock");
  }

  /**
   * The run supervisor's own record, from its first step to its last: its pid (for stop, which must find it before
   * {@link #pidFile()} exists) and until when it may still be starting the pod (for enter).
   */
  public Path supervisorRecord() {
    return xenDirectory().resolve("supervisor");
  }

  /**
   * Left by every orderly stop: a run supervisor that is still starting the pod (before its signal handler or its
   * domain exists) finds it and stops the pod as soon as it can, so a stop racing a starting run is never lost.
   */
  public Path stopRequestedMarker() {
    return xenDirectory().resolve("stop-requested");
  }

  /** Left by {@code stop --force}, so that the run supervisor reports a killed pod, not a crashed one. */
  public Path stopForcedMarker() {
    return xenDirectory().resolve("stop-forced");
  }

  /** Output of {@code xl create}, which goes to a file because xl's monitor keeps pipes open. */
  public Path xlCreateLog() {
    return xenDirectory().resolve("xl-create.log");
  }

  /**
   * Everything stage1-xen makes for the pod's volumes: one directory per 9p share (a mount point) and the empty
   * volumes' data; gc unmounts and removes it.
   */
  public Path volumesDirectory() {
    return xenDirectory().resolve("volumes");
  }

  // ---- derived facts

  public Mode mode() {
    return Files.exists(overlayPrepared()) ? Mode.OVERLAY : Mode.NO_OVERLAY;
  }

  /** The state rkt's directory names imply, when the pod sits in {@code <dataDir>/pods/<state>/<uuid>}. */
  public Optional<PodState> state() {
    Path parent = root.getParent();
    Path pods = parent == null ? null : parent.getParent();
    if (pods == null || pods.getFileName() == null || !pods.getFileName().toString().equals("pods")) {
      return Optional.empty();
    }
    return PodState.ofDirectory(parent.getFileName().toString());
  }

  /** Whether gc runs here: rkt moved the exited pod to {@code pods/exited-garbage}. */
  public boolean isExitedGarbage() {
    return state().filter(s -> s == PodState.EXITED_GARBAGE).isPresent();
  }

  /** The pod UUID the directory is named after, when it is one. */
  public Optional<PodUuid> uuid() {
    Path name = root.getFileName();
    return name != null && PodUuid.isValid(name.toString()) ? Optional.of(PodUuid.of(name.toString()))
        : Optional.empty();
  }

  /** rkt's data directory ({@code rkt --dir}), when the pod sits in its {@code pods/<state>/}. */
  public Optional<Path> dataDirectory() {
    return state().map(s -> root.getParent().getParent().getParent());
  }
}
