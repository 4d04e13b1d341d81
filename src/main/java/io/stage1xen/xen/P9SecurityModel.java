package io.stage1xen.xen;

/**
 * How QEMU, the 9p server in dom0, stores what the guest does to owners, modes and special files of a share
 * ({@code security_model=} of a {@code p9=} spec). QEMU runs as root in dom0 and the guest is untrusted, so the
 * choice decides whether a guest root process can create live device nodes and setuid-root files in dom0.
 * xl.cfg(5) names only {@code none}, but libxl hands the value to QEMU as it is, and Xen 4.17 with Debian's QEMU
 * runs all three (measured: docs/SECURITY.md).
 */
public enum P9SecurityModel {
  /**
   * Passthrough: every chown, chmod and mknod of the guest is made in dom0 as asked (device nodes and setuid-root
   * files included). Only for host volumes whose operator asked for real ownership in host.conf.
   */
  NONE("none"),
  /**
   * Files are created in dom0 as plain files and directories of root, mode 0600 and 0700; what the guest asked for
   * (owner, mode, device numbers, symlink targets) is kept in {@code user.virtfs.*} extended attributes. Needs a
   * filesystem with user extended attributes.
   */
  MAPPED_XATTR("mapped-xattr"),
  /**
   * As {@link #MAPPED_XATTR}, but the metadata is kept in files below {@code .virtfs_metadata} directories, which
   * the guest never sees: for filesystems without user extended attributes (tmpfs before Linux 6.6).
   */
  MAPPED_FILE("mapped-file");

  private final String xlName;

  P9SecurityModel(String xlName) {
    this.xlName = xlName;
  }

  /** The word in the p9 spec. */
  public String xlName() {
    return xlName;
  }

  /** Whether the guest's chown, chmod and mknod stay metadata in dom0 rather than real owners and device nodes. */
  public boolean mapped() {
    return this != NONE;
  }
}
