package io.stage1xen.appc;

import java.util.Optional;

/** {@code resource/block-bandwidth}: a limit in bytes per second. appc requires {@code "default":true} and no request. */
public record ResourceBlockBandwidth(Optional<Quantity> limit) implements IsolatorValue {
  public static final String NAME = "resource/block-bandwidth";

  public ResourceBlockBandwidth {
    limit = ResourceRules.nonNegative(limit, "limit");
  }
}
