package io.stage1xen.appc;

/** {@code os/linux/apparmor-profile}: the AppArmor profile to confine the app with. */
public record ApparmorProfile(String profile) implements IsolatorValue {
  public static final String NAME = "os/linux/apparmor-profile";

  public ApparmorProfile {
    if (profile == null || profile.isEmpty()) {
      throw InvalidValueException.withoutValue("profile", "is required");
    }
    ImmutableCopies.requireNoNul(profile, "profile");
  }
}
