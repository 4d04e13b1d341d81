package io.stage1xen.host;

/** How the chosen guest type is spelled in xl.cfg, which depends on the Xen release. */
public enum GuestTypeRendering {
  /** {@code type = "pv"} (Xen 4.10 and later). */
  TYPE_PV(GuestType.PV),
  /** {@code type = "pvh"} (Xen 4.10 and later). */
  TYPE_PVH(GuestType.PVH),
  /** {@code builder = "generic"}: PV on Xen 4.9, which has no {@code type=} key. */
  BUILDER_GENERIC(GuestType.PV),
  /** {@code builder = "hvm"} with {@code device_model_version = "none"}: PVH on Xen 4.9. */
  BUILDER_HVM_NO_DM(GuestType.PVH);

  private final GuestType type;

  GuestTypeRendering(GuestType type) {
    this.type = type;
  }

  public GuestType type() {
    return type;
  }
}
