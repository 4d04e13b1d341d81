package io.stage1xen.appc;

import java.util.Optional;

/** {@code resource/block-iops}: a limit in I/O operations per second. appc requires {@code "default":true} and no request. */
public record ResourceBlockIops(Optional<Quantity> limit) implements IsolatorValue {
  public static final String NAME = "resource/block-iops";

  public ResourceBlockIops {
    limit = ResourceRules.nonNegative(limit, "limit");
  }
}
