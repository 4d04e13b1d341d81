package io.stage1xen.appc;

import java.util.List;
import java.util.regex.Pattern;

/** The shape of capability names in the capability isolators (the set must not be empty, as in appc). */
final class CapabilityNames {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  private CapabilityNames() {}

  static List<String> check(List<String> set) {
    List<String> copy = ImmutableCopies.list(set, "set");
    if (copy.isEmpty()) {
      throw InvalidValueException.withoutValue("set", "must not be empty");
    }
    for (int i = 0; i < copy.size(); i++) {
      if (!NAME.matcher(copy.get(i)).matches()) {
        throw new InvalidValueException("set[" + i + "]", "invalid capability name", copy.get(i));
      }
    }
    return copy;
  }
}
