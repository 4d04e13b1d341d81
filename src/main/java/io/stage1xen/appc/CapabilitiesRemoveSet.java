package io.stage1xen.appc;

import java.util.List;

/** {@code os/linux/capabilities-remove-set}: the capabilities to remove, such as {@code CAP_NET_ADMIN}. */
public record CapabilitiesRemoveSet(List<String> set) implements IsolatorValue {
  public static final String NAME = "os/linux/capabilities-remove-set";

  public CapabilitiesRemoveSet {
    set = CapabilityNames.check(set);
  }
}
