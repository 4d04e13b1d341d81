package io.stage1xen.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * What a directory tree holds — each entry's type, mode, owner, size and content checksum, or a symlink's target —
 * so that a test can prove that nothing outside the places it allows was created, changed or deleted. Symlinks are
 * recorded, never followed.
 */
public record TreeSnapshot(Path root, Map<String, String> entries) {
  public TreeSnapshot {
    entries = Map.copyOf(entries);
  }

  /** Snapshots {@code root}, skipping the excluded directories (and files) and everything below them. */
  public static TreeSnapshot of(Path root, Set<Path> excluded) {
    Map<String, String> entries = new TreeMap<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          if (excluded.contains(dir)) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          entries.put(root.relativize(dir).toString(), "d " + owner(dir));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (!excluded.contains(file)) {
            entries.put(root.relativize(file).toString(), describe(file, attrs));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          // vanished while walking (a socket or lock file of a process still running): a change like any other
          entries.put(root.relativize(file).toString(), "unreadable " + e.getClass().getSimpleName());
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TreeSnapshot(root, entries);
  }

  /** Every path that differs from {@code before}, with what it was and what it is. */
  public List<String> changesSince(TreeSnapshot before) {
    Set<String> paths = new TreeSet<>(entries.keySet());
    paths.addAll(before.entries.keySet());
    List<String> out = new ArrayList<>();
    for (String p : paths) {
      String was = before.entries.get(p);
      String is = entries.get(p);
      if (was == null || !was.equals(is)) {
        out.add(root.resolve(p) + ": " + (was == null ? "created" : was) + " -> " + (is == null ? "deleted" : is));
      }
    }
    return out;
  }

  private static String describe(Path file, BasicFileAttributes attrs) throws IOException {
    if (attrs.isSymbolicLink()) {
      return "l " + Files.readSymbolicLink(file);
    }
    if (!attrs.isRegularFile()) {
      return "o " + owner(file);
    }
    CRC32 crc = new CRC32();
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        crc.update(buf, 0, n);
      }
    }
    return "f " + owner(file) + " " + attrs.size() + " " + Long.toHexString(crc.getValue());
  }

  private static String owner(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    return Integer.toOctalString((Integer) a.get("mode") & 07777) + " " + a.get("uid") + ":" + a.get("gid");
  }
}
