package io.stage1xen.appc;

import java.util.Map;
import java.util.regex.Pattern;

/** {@code os/unix/sysctl} (pod level): kernel parameters such as {@code net.ipv4.ip_forward} and their values. */
public record Sysctl(Map<String, String> values) implements IsolatorValue {
  public static final String NAME = "os/unix/sysctl";
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./-]{0,255}");

  public Sysctl {
    values = ImmutableCopies.stringMap(values, "");
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (!KEY.matcher(e.getKey()).matches() || e.getKey().contains("..")) {
        throw new InvalidValueException(e.getKey(), "invalid sysctl name", e.getKey());
      }
      if (e.getValue().indexOf('\0') >= 0 || e.getValue().indexOf('\n') >= 0) {
        throw new InvalidValueException(e.getKey(), "a sysctl value must be one line", e.getValue());
      }
    }
  }
}
