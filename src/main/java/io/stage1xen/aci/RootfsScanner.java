package io.stage1xen.aci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a rootfs directory into the entries the packer writes, in archive order. Only what a reader of the image
 * can observe survives: names, kinds, link targets, contents and the executable bit. Modes are normalised (0755 for
 * directories and executables, 0644 for other files, 0777 for links) so that a builder's umask or a stray chmod
 * cannot change the image; owners and times are not read at all.
 */
final class RootfsScanner {
  static final int DIRECTORY_MODE = 0755;
  static final int EXECUTABLE_MODE = 0755;
  static final int FILE_MODE = 0644;
  static final int SYMLINK_MODE = 0777;

  private RootfsScanner() {}

  static List<RootfsEntry> scan(Path rootfs) throws IOException, InvalidAciException {
    if (!Files.isDirectory(rootfs, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidAciException(rootfs + ": not a directory");
    }
    List<RootfsEntry> entries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Files.walkFileTree(rootfs, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (!dir.equals(rootfs)) {
          entries.add(new RootfsEntry(relative(rootfs, dir), RootfsEntry.Kind.DIRECTORY, DIRECTORY_MODE, 0, null, dir));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String path = relative(rootfs, file);
        if (attrs.isSymbolicLink()) {
          String target = Files.readSymbolicLink(file).toString();
          if (RootfsPaths.lexicalTarget(path, target).isEmpty()) {
            problems.add(rootfs + ": symlink \"" + path + "\" -> \"" + target + "\" is absolute or leaves the rootfs"
                + " (rkt runs stage1 files on the host, where it would resolve against the host's root)");
          }
          entries.add(new RootfsEntry(path, RootfsEntry.Kind.SYMLINK, SYMLINK_MODE, 0, target, file));
        } else if (attrs.isRegularFile()) {
          boolean executable = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
              .contains(PosixFilePermission.OWNER_EXECUTE);
          entries.add(new RootfsEntry(path, RootfsEntry.Kind.FILE, executable ? EXECUTABLE_MODE : FILE_MODE,
              attrs.size(), null, file));
        } else {
          problems.add(rootfs + ": \"" + path + "\" is a device, fifo or socket; an ACI rootfs holds only"
              + " directories, regular files and symlinks");
        }
        return FileVisitResult.CONTINUE;
      }
    });
    if (!problems.isEmpty()) {
      throw new InvalidAciException(problems.get(0)
          + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems)" : ""));
    }
    entries.sort(Comparator.comparing(RootfsEntry::path, RootfsScanner::compareComponents));
    return entries;
  }

  /**
   * Orders paths component by component (byte order of the UTF-8 names), so a directory always comes right before
   * its contents and the order does not depend on the file system's directory order.
   */
  static int compareComponents(String a, String b) {
    List<String> pa = RootfsPaths.split(a);
    List<String> pb = RootfsPaths.split(b);
    for (int i = 0; i < Math.min(pa.size(), pb.size()); i++) {
      int c = compareBytes(pa.get(i), pb.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(pa.size(), pb.size());
  }

  private static int compareBytes(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String relative(Path root, Path p) {
    List<String> parts = new ArrayList<>();
    for (Path part : root.relativize(p)) {
      parts.add(part.toString());
    }
    return String.join("/", parts);
  }
}
