package io.stage1xen.appc;

import java.util.Optional;

/** {@code resource/memory}: request and limit in bytes. The request defaults to the limit. */
public record ResourceMemory(Optional<Quantity> request, Optional<Quantity> limit) implements IsolatorValue {
  public static final String NAME = "resource/memory";

  public ResourceMemory {
    request = ResourceRules.nonNegative(request, "request");
    limit = ResourceRules.nonNegative(limit, "limit");
  }

  public static ResourceMemory of(String request, String limit) {
    return new ResourceMemory(Optional.of(Quantity.of(request)), Optional.of(Quantity.of(limit)));
  }

  public Optional<Quantity> effectiveRequest() {
    return request.or(() -> limit);
  }
}
