package io.stage1xen.appc;

import java.util.List;
import java.util.regex.Pattern;

/** The seccomp isolators' rules: a non-empty set of syscall names or @wildcards, an upper-case errno name. */
final class SeccompRules {
  private static final Pattern ENTRY = Pattern.compile("@?[A-Za-z0-9_][A-Za-z0-9_./-]{0,127}");
  private static final Pattern ERRNO = Pattern.compile("[A-Z][A-Z0-9]{0,31}");

  private SeccompRules() {}

  static List<String> checkSet(List<String> set) {
    List<String> copy = ImmutableCopies.list(set, "set");
    if (copy.isEmpty()) {
      throw InvalidValueException.withoutValue("set", "must not be empty");
    }
    for (int i = 0; i < copy.size(); i++) {
      if (!ENTRY.matcher(copy.get(i)).matches()) {
        throw new InvalidValueException("set[" + i + "]", "invalid syscall name or wildcard", copy.get(i));
      }
    }
    return copy;
  }

  static String checkErrno(String errno) {
    if (errno == null || errno.isEmpty()) {
      return "";
    }
    if (!ERRNO.matcher(errno).matches()) {
      throw new InvalidValueException("errno", "must be an upper-case errno name such as ENOTSUP", errno);
    }
    return errno;
  }
}
