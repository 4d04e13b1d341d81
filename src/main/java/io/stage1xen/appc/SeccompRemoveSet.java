package io.stage1xen.appc;

import java.util.List;

/**
 * {@code os/linux/seccomp-remove-set}: syscalls (or {@code @group} wildcards) to remove, and the errno the others
 * fail with (empty: the default, which kills the process).
 */
public record SeccompRemoveSet(List<String> set, String errno) implements IsolatorValue {
  public static final String NAME = "os/linux/seccomp-remove-set";

  public SeccompRemoveSet {
    set = SeccompRules.checkSet(set);
    errno = SeccompRules.checkErrno(errno);
  }
}
