package io.stage1xen.guest;

/** A bind mount into an app: a guest path (inside a share) onto a path inside the app's root. */
public record MountPlan(String source, String target, boolean readOnly) {
  public MountPlan {
    PlanChecks.absolutePath("mount source", source);
    PlanChecks.absolutePath("mount target", target);
  }
}
