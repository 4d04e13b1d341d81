package io.stage1xen.xen;

import io.stage1xen.outcome.Stage1Failure;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What one app of the pod asks for: its {@code resource/memory} limit in bytes and {@code resource/cpu} limit in
 * millicores (each absent when the app has none), the names of all its isolators, for the isolator report, and the
 * 9p shares it brings: its root filesystem and each volume share that no earlier app of the pod mounts.
 */
public record AppResourceRequest(String appName, OptionalLong memoryLimitBytes, OptionalLong cpuLimitMillis,
    List<String> isolators, int shares) {

  public AppResourceRequest {
    Objects.requireNonNull(appName, "appName");
    memoryLimitBytes = positive(appName, "resource/memory limit", memoryLimitBytes);
    cpuLimitMillis = positive(appName, "resource/cpu limit", cpuLimitMillis);
    isolators = List.copyOf(isolators);
    if (shares < 1) {
      throw new Stage1Failure(appName + ": an app brings at least its root filesystem's share, got "
          + shares);
    }
  }

  /** An app without volumes: its root filesystem is its only share. */
  public AppResourceRequest(String appName, OptionalLong memoryLimitBytes, OptionalLong cpuLimitMillis,
      List<String> isolators) {
    this(appName, memoryLimitBytes, cpuLimitMillis, isolators, 1);
  }

  static OptionalLong positive(String scope, String what, OptionalLong value) {
    if (value == null) {
      return OptionalLong.empty();
    }
    if (value.isPresent() && value.getAsLong() <= 0) {
      throw new Stage1Failure(scope + ": " + what + " must be positive, got " + value.getAsLong());
    }
    return value;
  }
}
