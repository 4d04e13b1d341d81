package io.stage1xen.appc;

import java.util.Optional;

/** The rule every resource quantity shares: a negative amount of a resource means nothing. */
final class ResourceRules {
  private ResourceRules() {}

  static Optional<Quantity> nonNegative(Optional<Quantity> q, String field) {
    Optional<Quantity> value = q == null ? Optional.empty() : q;
    value.ifPresent(v -> {
      if (v.isNegative()) {
        throw new InvalidValueException(field, "must not be negative", v.text());
      }
    });
    return value;
  }
}
