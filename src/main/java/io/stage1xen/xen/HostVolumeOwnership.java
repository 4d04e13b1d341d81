package io.stage1xen.xen;

import io.stage1xen.outcome.Stage1Failure;

/**
 * host.conf's {@code host-volume-ownership}: what a guest's chown, chmod and mknod do to a host volume in dom0.
 * Only the operator decides this (never a pod annotation), because passthrough lets root in any pod make device
 * nodes and setuid-root files in the host's directories.
 */
public enum HostVolumeOwnership {
  /** The default: the guest's owners, modes and special files are metadata QEMU keeps beside the files. */
  MAPPED("mapped"),
  /** The guest's owners and modes are real in dom0, and so are its device nodes and setuid files: unsafe. */
  PASSTHROUGH("passthrough");

  private final String word;

  HostVolumeOwnership(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }

  static HostVolumeOwnership parse(String field, String value) {
    for (HostVolumeOwnership o : values()) {
      if (o.word.equals(value)) {
        return o;
      }
    }
    throw new Stage1Failure(field + ": '" + XlSyntax.show(value) + "' is not one of mapped, passthrough");
  }
}
