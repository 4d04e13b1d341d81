package io.stage1xen.xen;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of {@code xl list}: the domain's id, name and memory; its guest type ({@code pv}, {@code pvh},
 * {@code hvm}) when xl printed JSON.
 */
public record DomainSummary(int domid, String name, long memoryMib, Optional<String> type) {
  public DomainSummary {
    if (domid < 0) {
      throw new IllegalArgumentException("negative domid " + domid);
    }
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
