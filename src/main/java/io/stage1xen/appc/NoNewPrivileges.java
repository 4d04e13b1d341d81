package io.stage1xen.appc;

/** {@code os/linux/no-new-privileges}: whether the app runs with PR_SET_NO_NEW_PRIVS. */
public record NoNewPrivileges(boolean enabled) implements IsolatorValue {
  public static final String NAME = "os/linux/no-new-privileges";
}
