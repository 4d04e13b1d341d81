package io.stage1xen.appc;

import java.util.Optional;

/** {@code resource/network-bandwidth}: a limit in bytes per second; appc exempts localhost. appc requires {@code "default":true} and no request. */
public record ResourceNetworkBandwidth(Optional<Quantity> limit) implements IsolatorValue {
  public static final String NAME = "resource/network-bandwidth";

  public ResourceNetworkBandwidth {
    limit = ResourceRules.nonNegative(limit, "limit");
  }
}
