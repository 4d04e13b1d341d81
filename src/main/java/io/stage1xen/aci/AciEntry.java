package io.stage1xen.aci;

import java.util.Objects;

/**
 * One tar entry of an ACI as read back: what the verifier checks and what {@code aci verify --list} prints, one
 * line per entry ({@code <type> <mode> <uid>/<gid> <size> <name>[ -> <target>]}, type d, f or l).
 */
public record AciEntry(String name, char type, int mode, long uid, long gid, long size, String linkTarget) {
  public static final char DIRECTORY = 'd';
  public static final char FILE = 'f';
  public static final char SYMLINK = 'l';

  public AciEntry {
    Objects.requireNonNull(name, "name");
  }

  public boolean isDirectory() {
    return type == DIRECTORY;
  }

  public boolean isFile() {
    return type == FILE;
  }

  public boolean isSymlink() {
    return type == SYMLINK;
  }

  /** The path inside the rootfs ("" for rootfs/ itself), or null for entries outside rootfs/. */
  public String rootfsPath() {
    if (name.equals("rootfs/")) {
      return "";
    }
    if (!name.startsWith("rootfs/")) {
      return null;
    }
    String rest = name.substring("rootfs/".length());
    return rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
  }

  public String line() {
    return String.format("%c %04o %d/%d %d %s%s", type, mode, uid, gid, size, name,
        linkTarget == null ? "" : " -> " + linkTarget);
  }
}
