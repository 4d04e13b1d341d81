package io.stage1xen.host;

/** The two kinds of Xen guest a pod can be: paravirtualized, or PVH (hardware virtualization, no device model). */
public enum GuestType {
  PV("pv"),
  PVH("pvh");

  private final String word;

  GuestType(String word) {
    this.word = word;
  }

  /** The lower-case word used in xl.cfg, the environment variable, annotations and host.conf. */
  public String word() {
    return word;
  }
}
