package io.stage1xen.appc;

/** {@code os/linux/selinux-context}: the SELinux context user:role:type:level to run the app in. */
public record SelinuxContext(String user, String role, String type, String level) implements IsolatorValue {
  public static final String NAME = "os/linux/selinux-context";

  public SelinuxContext {
    part(user, "user");
    part(role, "role");
    part(type, "type");
    if (level == null || level.isEmpty()) {
      throw InvalidValueException.withoutValue("level", "is required");
    }
    ImmutableCopies.requireNoNul(level, "level");
  }

  private static void part(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw InvalidValueException.withoutValue(field, "is required");
    }
    if (value.contains(":") || value.indexOf('\0') >= 0) {
      throw new InvalidValueException(field, "must not contain ':'", value);
    }
  }
}
