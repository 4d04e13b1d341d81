package io.stage1xen.aci;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One file system object of a stage1 rootfs as it goes into the ACI: its path relative to the rootfs
 * ('/'-separated), its kind, the mode the packer writes, and where its bytes or link target come from.
 */
record RootfsEntry(String path, Kind kind, int mode, long size, String linkTarget, Path source) {
  enum Kind { DIRECTORY, FILE, SYMLINK }

  RootfsEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException("rootfs entry path must be relative without a trailing slash: " + path);
    }
    if ((kind == Kind.SYMLINK) != (linkTarget != null)) {
      throw new IllegalArgumentException("only symlinks have a link target: " + path);
    }
  }
}
