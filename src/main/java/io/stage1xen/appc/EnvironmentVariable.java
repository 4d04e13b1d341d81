package io.stage1xen.appc;

import java.util.regex.Pattern;

/** One entry of an app's {@code environment}. The value may be anything but NUL (it becomes a C string). */
public record EnvironmentVariable(String name, String value) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z_0-9.-]*");

  public EnvironmentVariable {
    if (name == null || name.isEmpty()) {
      throw InvalidValueException.withoutValue("name", "is required");
    }
    if (name.length() > 1024 || !NAME.matcher(name).matches()) {
      throw new InvalidValueException("name", "invalid environment variable name ([A-Za-z_][A-Za-z_0-9.-]*)", name);
    }
    value = ImmutableCopies.requireNoNul(value == null ? "" : value, "value");
  }

  public static boolean isValidName(String name) {
    return name != null && name.length() <= 1024 && NAME.matcher(name).matches();
  }

  /** {@code NAME=value}, the form execve takes. */
  public String assignment() {
    return name + "=" + value;
  }
}
