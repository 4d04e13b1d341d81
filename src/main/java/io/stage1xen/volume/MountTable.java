package io.stage1xen.volume;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The mount table of this process's mount namespace, read from {@code /proc/<pid>/mountinfo} (proc(5)): the only
 * record of what stage1-xen mounted that survives a crash of the run entrypoint.
 */
record MountTable(List<Entry> entries) {

  /** One mount: its id, where it is mounted, and its per-mount options ({@code ro} or {@code rw} first). */
  record Entry(int id, Path mountPoint, List<String> options) {
    boolean readOnly() {
      return options.contains("ro");
    }
  }

  MountTable {
    entries = List.copyOf(entries);
  }

  static MountTable read(Path mountinfo) throws IOException {
    return parse(Files.readString(mountinfo, StandardCharsets.UTF_8));
  }

  static MountTable parse(String text) {
    List<Entry> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(" ");
      if (f.length < 6) {
        throw new IllegalArgumentException("unreadable mountinfo line: " + line);
      }
      out.add(new Entry(Integer.parseInt(f[0]), Path.of(unescape(f[4])), List.of(f[5].split(","))));
    }
    return new MountTable(out);
  }

  /**
   * The mounts at {@code dir} or below it, deepest first (and, at one path, the last mounted first): the order in
   * which they can be unmounted one by one.
   */
  List<Entry> under(Path dir) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.mountPoint().startsWith(dir)) {
        out.add(e);
      }
    }
    out.sort(Comparator.comparingInt((Entry e) -> e.mountPoint().getNameCount()).reversed()
        .thenComparing(Comparator.comparingInt(Entry::id).reversed()));
    return out;
  }

  /**
   * The mount a path is on: the deepest mount point above it (or at it), and at one path the one listed last, which
   * hides those before it. Empty when the table names none (a path outside this namespace's tree).
   */
  Optional<Entry> containing(Path path) {
    Entry on = null;
    for (Entry e : entries) {
      if (path.startsWith(e.mountPoint())
          && (on == null || e.mountPoint().getNameCount() >= on.mountPoint().getNameCount())) {
        on = e;
      }
    }
    return Optional.ofNullable(on);
  }

  /** mountinfo writes space, tab, newline and backslash in a path as octal escapes ({@code \040}). */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '\\' && octal(in, i + 1)) {
        out.write((in[i + 1] - '0') * 64 + (in[i + 2] - '0') * 8 + (in[i + 3] - '0'));
        i += 3;
      } else {
        out.write(in[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean octal(byte[] b, int from) {
    if (from + 3 > b.length) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (b[i] < '0' || b[i] > '7') {
        return false;
      }
    }
    return true;
  }
}
