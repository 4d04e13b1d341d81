package io.stage1xen.appc;

import java.util.List;

/** {@code os/linux/capabilities-retain-set}: the capabilities to retain, such as {@code CAP_NET_ADMIN}. */
public record CapabilitiesRetainSet(List<String> set) implements IsolatorValue {
  public static final String NAME = "os/linux/capabilities-retain-set";

  public CapabilitiesRetainSet {
    set = CapabilityNames.check(set);
  }
}
