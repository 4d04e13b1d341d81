package io.stage1xen.guest;

/** A 9p share the guest mounts at boot: the tag the host exported it under and where it goes in the guest. */
public record SharePlan(String tag, String guestPath, boolean readOnly) {
  public SharePlan {
    PlanChecks.matching("share tag", tag, PlanChecks.SHARE_TAG);
    PlanChecks.absolutePath("share " + tag + " guest path", guestPath);
  }
}
