package io.stage1xen.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Multi-call dispatch: the ACI's entrypoints ({@code run}, {@code enter}, {@code gc}, {@code stop},
 * {@code app/add}, ...) are symlinks to one executable, so the name it was started under picks the subcommand.
 */
public final class Argv0 {
  /** Entry names served directly; {@code app/*} entries are recognised by their parent directory. */
  static final List<String> TOP_LEVEL = List.of("run", "enter", "gc", "stop");
  static final List<String> APP_LEVEL = List.of("add", "rm", "start", "stop");

  private Argv0() {}

  /**
   * Returns the argument vector picocli should parse: {@code args} prefixed with the subcommand that
   * {@code argv0} names, or {@code args} unchanged when argv0 is the plain program (subcommand as first word).
   */
  public static String[] dispatch(String argv0, String[] args) {
    List<String> prefix = subcommandFor(argv0);
    if (prefix.isEmpty()) {
      return args.clone();
    }
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  static List<String> subcommandFor(String argv0) {
    if (argv0 == null || argv0.isEmpty()) {
      return List.of();
    }
    String[] parts = argv0.split("/");
    String base = parts[parts.length - 1];
    String parent = parts.length >= 2 ? parts[parts.length - 2] : "";
    if (parent.equals("app") && APP_LEVEL.contains(base)) {
      return List.of("app", base);
    }
    if (TOP_LEVEL.contains(base)) {
      return List.of(base);
    }
    return List.of();
  }

  /**
   * argv[0] of this process. The JVM launcher passes it as a system property (a script's $0); a native executable
   * reads it from /proc/self/cmdline, whose first NUL-terminated field is exactly what execve received.
   */
  public static String current() {
    String fromLauncher = System.getProperty("stage1xen.argv0");
    if (fromLauncher != null) {
      return fromLauncher;
    }
    try {
      byte[] cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
      int end = 0;
      while (end < cmdline.length && cmdline[end] != 0) {
        end++;
      }
      return new String(cmdline, 0, end, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
