package io.stage1xen.appc;

import java.util.Optional;

/**
 * The stage1 side of rkt's stage0 → stage1 interface as it appears in a stage1 image manifest: the entrypoint
 * annotations and the interface version, which decides the flags rkt passes.
 *
 * <p>stage1-xen declares version {@value #VERSION}: it parses every flag of versions 1 to 5 (v2 {@code --hostname},
 * v3 {@code --disable-*}, v4 {@code --dns-conf-mode}, v5 {@code --local-config} for gc). Version 6 would add run's
 * {@code --ipc=auto|private|parent}; a pod in its own VM always has a private IPC namespace, so {@code parent}
 * could not be honoured, and with version 5 rkt drops the flag with a warning instead of passing it.
 */
public final class Stage1Interface {
  public static final int VERSION = 5;

  public static final String RUN = "coreos.com/rkt/stage1/run";
  public static final String ENTER = "coreos.com/rkt/stage1/enter";
  public static final String GC = "coreos.com/rkt/stage1/gc";
  public static final String STOP = "coreos.com/rkt/stage1/stop";
  public static final String APP_ADD = "coreos.com/rkt/stage1/app/add";
  public static final String APP_RM = "coreos.com/rkt/stage1/app/rm";
  public static final String APP_START = "coreos.com/rkt/stage1/app/start";
  public static final String APP_STOP = "coreos.com/rkt/stage1/app/stop";
  public static final String INTERFACE_VERSION = "coreos.com/rkt/stage1/interface-version";

  private Stage1Interface() {}

  /** The interface version a stage1 image declares; 1 when it declares none, as rkt assumes. */
  public static int versionOf(ImageManifest stage1) {
    Optional<String> v = stage1.annotation(INTERFACE_VERSION);
    if (v.isEmpty()) {
      return 1;
    }
    try {
      int version = Integer.parseInt(v.get());
      if (version < 1) {
        throw new NumberFormatException();
      }
      return version;
    } catch (NumberFormatException e) {
      throw new InvalidValueException("annotations", "invalid " + INTERFACE_VERSION, v.get());
    }
  }

  /** rkt runs {@code rkt app} commands only when the stage1 has all of app/rm, app/start and app/stop. */
  public static boolean supportsMutablePods(ImageManifest stage1) {
    return stage1.annotation(APP_RM).isPresent() && stage1.annotation(APP_START).isPresent()
        && stage1.annotation(APP_STOP).isPresent();
  }
}
