package io.stage1xen.appc;

import java.util.List;

/**
 * {@code os/linux/seccomp-retain-set}: syscalls (or {@code @group} wildcards) to retain, and the errno the others
 * fail with (empty: the default, which kills the process).
 */
public record SeccompRetainSet(List<String> set, String errno) implements IsolatorValue {
  public static final String NAME = "os/linux/seccomp-retain-set";

  public SeccompRetainSet {
    set = SeccompRules.checkSet(set);
    errno = SeccompRules.checkErrno(errno);
  }
}
