package io.stage1xen.appc;

import java.util.Optional;

/** {@code resource/cpu}: request and limit in cores; 500m is half a core. The request defaults to the limit. */
public record ResourceCpu(Optional<Quantity> request, Optional<Quantity> limit) implements IsolatorValue {
  public static final String NAME = "resource/cpu";

  public ResourceCpu {
    request = ResourceRules.nonNegative(request, "request");
    limit = ResourceRules.nonNegative(limit, "limit");
  }

  public static ResourceCpu of(String request, String limit) {
    return new ResourceCpu(Optional.of(Quantity.of(request)), Optional.of(Quantity.of(limit)));
  }

  public Optional<Quantity> effectiveRequest() {
    return request.or(() -> limit);
  }
}
