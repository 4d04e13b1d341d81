package io.stage1xen.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One process to start: the exact argv (never a shell line), extra environment, a mandatory timeout, optional
 * stdin bytes, and optionally a file that receives stdout and stderr instead of pipes.
 *
 * <p>The output file exists for commands that leave a daemon behind (such as {@code xl create}, whose monitor
 * process keeps inherited descriptors open until the domain dies): reading a pipe would then block for the
 * life of the domain.
 */
public record Command(
    List<String> argv, Map<String, String> environment, Duration timeout, byte[] stdin, Path outputFile) {

  public Command {
    Objects.requireNonNull(argv, "argv");
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least the program name");
    }
    for (String arg : argv) {
      if (arg.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("argument contains a NUL byte: " + argv);
      }
    }
    environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    stdin = stdin == null ? null : stdin.clone();
  }

  public static Command of(Duration timeout, List<String> argv) {
    return new Command(argv, Map.of(), timeout, null, null);
  }

  public static Command of(Duration timeout, String... argv) {
    return of(timeout, List.of(argv));
  }

  public Command withEnvironment(Map<String, String> env) {
    return new Command(argv, env, timeout, stdin, outputFile);
  }

  public Command withStdin(byte[] input) {
    return new Command(argv, environment, timeout, input, outputFile);
  }

  public Command withOutputFile(Path file) {
    return new Command(argv, environment, timeout, stdin, file);
  }

  public String program() {
    return argv.get(0);
  }

  @Override
  public byte[] stdin() {
    return stdin == null ? null : stdin.clone();
  }

  /** argv as one line for messages and --debug; quoted so that a reader sees argument boundaries. */
  public String display() {
    StringBuilder sb = new StringBuilder();
    for (String arg : argv) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      if (!arg.isEmpty() && arg.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=:,+@%".indexOf(c) >= 0)) {
        sb.append(arg);
      } else {
        sb.append('\'').append(arg.replace("'", "'\\''")).append('\'');
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return display();
  }
}
