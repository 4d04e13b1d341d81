package io.stage1xen.pod;

import io.stage1xen.outcome.Stage1Failure;
import java.util.Optional;
import java.util.regex.Pattern;

/** One item of run's {@code --net}: a network name and its optional CNI arguments ({@code IP=10.1.2.3;K=V}). */
public record NetworkRequest(String name, Optional<String> args) {
  /**
   * What a network may be called, in {@code --net} and in a configuration's {@code name}: plain characters only,
   * since the name becomes a file name in the pod and part of messages.
   */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public NetworkRequest {
    if (name == null || name.isEmpty()) {
      throw new Stage1Failure("a network name is required");
    }
    args = args == null ? Optional.empty() : args.filter(a -> !a.isEmpty());
  }

  public static NetworkRequest of(String name) {
    return new NetworkRequest(name, Optional.empty());
  }
}
