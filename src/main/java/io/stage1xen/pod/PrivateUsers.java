package io.stage1xen.pod;

import io.stage1xen.outcome.Stage1Failure;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** run's {@code --private-users=<hostUidStart>:<count>}: the host UID range of the pod's user namespace. */
public record PrivateUsers(long hostUidStart, long count) {
  private static final Pattern SYNTAX = Pattern.compile("([0-9]{1,10}):([0-9]{1,10})");
  private static final long LIMIT = 1L << 32;

  public PrivateUsers {
    if (hostUidStart < 0 || count < 1 || hostUidStart + count > LIMIT) {
      throw new Stage1Failure("invalid UID range " + hostUidStart + ":" + count
          + " (a start and a count of at least 1 within 32 bits)");
    }
  }

  public static PrivateUsers parse(String value) {
    Matcher m = SYNTAX.matcher(value == null ? "" : value);
    if (!m.matches()) {
      throw new Stage1Failure(EntrypointValues.quote(value) + " is not <hostUidStart>:<count>");
    }
    return new PrivateUsers(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
  }

  @Override
  public String toString() {
    return hostUidStart + ":" + count;
  }
}
