package io.stage1xen.pod;

/** run's {@code --disable-*} flags (interface version 3), from {@code rkt --insecure-options=...}. */
public record InsecureOptions(boolean disableCapabilities, boolean disablePaths, boolean disableSeccomp) {
  public static final InsecureOptions NONE = new InsecureOptions(false, false, false);
}
