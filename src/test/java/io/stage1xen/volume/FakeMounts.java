package io.stage1xen.volume;

import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A test double of mount(8) and umount(8) behind the process runner: it records every argv and keeps a mount table
 * in a mountinfo file (proc(5) format, with its octal escapes), so that the code under test reads back what it
 * "mounted" (a path below a bind mount exists when it exists in the bind's source). A bind mount starts with the
 * flags of the mount its source is on, as in the kernel, or with those it was given ({@code -o}, as util-linux then
 * remounts it); a bind remount sets them anew (rw or ro first, then the flags it names, then relatime). Faults: a command matching {@link #failWhen}
 * exits 32; {@link #busy} paths refuse a plain umount; a remount silently leaves out the flags in
 * {@link #ignoredFlags} (say "ro" or "nodev").
 */
public final class FakeMounts implements ProcessRunner {
  record Mount(int id, Path point, String options) {}

  final Path mountinfo;
  final List<List<String>> calls = new ArrayList<>();
  final List<Mount> table = new ArrayList<>();
  final Set<Path> busy = new HashSet<>();
  Predicate<List<String>> failWhen = argv -> false;

  /** Makes the commands that match fail as mount(8) does (exit code 32). */
  public void failWhen(Predicate<List<String>> matching) {
    failWhen = matching;
  }
  final Set<String> ignoredFlags = new HashSet<>();
  private int nextId = 100;

  public FakeMounts(Path mountinfo) {
    this.mountinfo = mountinfo;
    mount(Path.of("/"), "rw,relatime");
  }

  /** The options of the latest mount at a path, or null when nothing is mounted there. */
  public String optionsOf(Path point) {
    return table.stream().filter(m -> m.point().equals(point)).reduce((x, y) -> y).map(Mount::options).orElse(null);
  }

  /** A mount that exists before the test (the host's own, or one left by a crashed run). */
  public FakeMounts mount(Path point, String options) {
    table.add(new Mount(nextId++, point, options));
    save();
    return this;
  }

  public List<Path> mountedUnder(Path dir) {
    return table.stream().map(Mount::point).filter(p -> p.startsWith(dir)).toList();
  }

  @Override
  public ExecResult run(Command command) {
    List<String> argv = command.argv();
    calls.add(argv);
    if (failWhen.test(argv)) {
      return new ExecResult(command, 32, "", argv.get(0) + ": injected failure");
    }
    String err = switch (argv.get(0)) {
      case "mount" -> mountCommand(argv);
      case "umount" -> umountCommand(argv);
      default -> argv.get(0) + ": not a mount command";
    };
    save();
    return new ExecResult(command, err == null ? 0 : 32, "", err == null ? "" : err);
  }

  /** Where each bind mount's files come from: a path below a bind mount point is seen in its source. */
  private final java.util.Map<Path, Path> sources = new java.util.HashMap<>();

  /** Whether the path exists as a process would see it, through the bind mounts (the latest at a path wins). */
  private boolean visible(Path path) {
    if (Files.exists(path)) {
      return true;
    }
    for (int i = table.size() - 1; i >= 0; i--) {
      Path point = table.get(i).point();
      if (path.startsWith(point) && !path.equals(point) && sources.containsKey(point)) {
        return Files.exists(sources.get(point).resolve(point.relativize(path)));
      }
    }
    return false;
  }

  private String mountCommand(List<String> argv) {
    boolean withFlags = argv.size() == 7 && argv.get(1).equals("--bind") && argv.get(3).equals("-o");
    if (withFlags || argv.size() == 5 && (argv.get(1).equals("--bind") || argv.get(1).equals("--rbind"))) {
      Path source = Path.of(argv.get(argv.size() - 2));
      Path target = Path.of(argv.get(argv.size() - 1));
      if (!visible(target)) {
        return "mount: " + target + ": mount point does not exist.";
      }
      String options = optionsAt(source);
      if (withFlags) {
        // util-linux binds, then remounts the bind with the flags it was given
        options = flagged(argv.get(4), argv);
        if (options.startsWith("mount:")) {
          return options;
        }
      }
      table.add(new Mount(nextId++, target, options));
      sources.put(target, source);
      if (argv.get(1).equals("--rbind")) {
        for (Mount m : List.copyOf(table)) {
          if (m.point().startsWith(source) && !m.point().equals(source) && !m.point().equals(Path.of("/"))) {
            table.add(new Mount(nextId++, target.resolve(source.relativize(m.point())), m.options()));
          }
        }
      }
      return null;
    }
    if (argv.size() == 4 && argv.get(1).equals("-o") && argv.get(2).startsWith("remount,bind,")) {
      Path target = Path.of(argv.get(3));
      String options = flagged(argv.get(2).substring("remount,bind,".length()), argv);
      if (options.startsWith("mount:")) {
        return options;
      }
      for (int i = table.size() - 1; i >= 0; i--) {
        Mount m = table.get(i);
        if (m.point().equals(target)) {
          table.set(i, new Mount(m.id(), m.point(), options));
          return null;
        }
      }
      return "mount: " + target + ": not mounted.";
    }
    return "mount: unexpected arguments " + argv;
  }

  /**
   * The options a bind remount with these flags leaves (rw or ro first, then the flags, then relatime), without the
   * flags this kernel ignores; an error message for an option it does not know.
   */
  private String flagged(String flags, List<String> argv) {
    List<String> asked = new ArrayList<>(List.of(flags.split(",")));
    asked.removeAll(ignoredFlags);
    StringBuilder options = new StringBuilder(asked.remove("ro") ? "ro" : "rw");
    for (String flag : asked) {
      if (!List.of("nosuid", "nodev", "noexec", "nosymfollow").contains(flag)) {
        return "mount: unexpected option " + flag + " in " + argv;
      }
      options.append(',').append(flag);
    }
    return options.append(",relatime").toString();
  }

  /** The options of the mount a path is on (the deepest mount point above it, the latest at one path). */
  private String optionsAt(Path path) {
    Mount on = null;
    for (Mount m : table) {
      if (path.startsWith(m.point()) && (on == null || m.point().getNameCount() >= on.point().getNameCount())) {
        on = m;
      }
    }
    return on == null ? "rw,relatime" : on.options();
  }

  private String umountCommand(List<String> argv) {
    boolean lazy = argv.size() == 3 && argv.get(1).equals("--lazy");
    Path target = Path.of(argv.get(argv.size() - 1));
    if (!lazy && busy.contains(target)) {
      return "umount: " + target + ": target is busy.";
    }
    for (int i = table.size() - 1; i >= 0; i--) {
      if (table.get(i).point().equals(target)) {
        if (!lazy && table.stream().anyMatch(m -> m.point().startsWith(target) && !m.point().equals(target))) {
          return "umount: " + target + ": target is busy.";
        }
        final Path t = target;
        if (lazy) {
          table.removeIf(m -> m.point().startsWith(t) && !m.point().equals(t));
        }
        table.remove(i);
        return null;
      }
    }
    return "umount: " + target + ": not mounted.";
  }

  @Override
  public int runInteractive(Command command) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean terminate(long pid, Duration grace) {
    throw new UnsupportedOperationException();
  }

  private void save() {
    StringBuilder sb = new StringBuilder();
    for (Mount m : table) {
      sb.append(m.id()).append(" 1 0:42 / ").append(escape(m.point().toString())).append(' ').append(m.options())
          .append(" shared:1 - ext4 /dev/vda rw\n");
    }
    try {
      Files.createDirectories(mountinfo.getParent());
      Files.writeString(mountinfo, sb.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String escape(String path) {
    return path.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011").replace("\n", "\\012");
  }
}
