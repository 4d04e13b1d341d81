package io.stage1xen.pod;

import java.util.Optional;

/** One item of run's {@code --net}: a network name and its optional CNI arguments ({@code IP=10.1.2.3;K=V}). */
public record NetworkRequest(String name, Optional<String> args) {
  public NetworkRequest {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a network name is required");
    }
    args = args == null ? Optional.empty() : args.filter(a -> !a.isEmpty());
  }

  public static NetworkRequest of(String name) {
    return new NetworkRequest(name, Optional.empty());
  }
}
