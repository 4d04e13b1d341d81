package io.stage1xen.appc;

import java.util.Optional;

/**
 * A runtime app's mount: pod volume {@code volume} at {@code path} in the app. {@code appVolume}, when present,
 * defines the volume inline instead of naming a pod-level one.
 */
public record Mount(AcName volume, String path, Optional<Volume> appVolume) {
  public Mount {
    if (volume == null) {
      throw InvalidValueException.withoutValue("volume", "is required");
    }
    ImmutableCopies.absolutePath(path, "path");
    appVolume = appVolume == null ? Optional.empty() : appVolume;
  }

  public static Mount of(String volume, String path) {
    return new Mount(AcName.of(volume), path, Optional.empty());
  }
}
