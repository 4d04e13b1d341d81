package io.stage1xen.lifecycle;

import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The terminal behind this process's stdin, driven with the host's {@code stty} (a JVM cannot call tcsetattr):
 * raw mode while a remote pty owns the keyboard, its size, and the mode to restore afterwards.
 */
final class Terminal implements AutoCloseable {
  private static final Duration STTY_TIMEOUT = Duration.ofSeconds(10);

  private final Stage1Environment env;
  private final Path device;
  private String saved;

  private Terminal(Stage1Environment env, Path device) {
    this.env = env;
    this.device = device;
  }

  /** The terminal on stdin, or empty when stdin is a file, a pipe or /dev/null. */
  static Optional<Terminal> ofStdin(Stage1Environment env) {
    try {
      Path target = Files.readSymbolicLink(env.proc().resolve(Long.toString(env.pid())).resolve("fd/0"));
      String t = target.toString();
      boolean tty = t.startsWith("/dev/pts/") || t.startsWith("/dev/tty") || t.equals("/dev/console");
      return tty ? Optional.of(new Terminal(env, target)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Keys go to the remote side untouched: no echo, no line editing, no signals from Ctrl-C here. */
  void enterRawMode() throws ProcessException, InterruptedException {
    saved = stty("-g").stdout().strip();
    stty("raw", "-echo");
  }

  /** rows and columns. */
  int[] size() throws ProcessException, InterruptedException {
    String[] words = stty("size").stdout().strip().split("\\s+");
    try {
      return new int[] {Integer.parseInt(words[0]), Integer.parseInt(words[1])};
    } catch (RuntimeException e) {
      return new int[] {24, 80};
    }
  }

  @Override
  public void close() throws ProcessException, InterruptedException {
    if (saved != null) {
      stty(saved);
      saved = null;
    }
  }

  private ExecResult stty(String... args) throws ProcessException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("stty", "-F", device.toString()));
    argv.addAll(List.of(args));
    return env.processes().run(Command.of(STTY_TIMEOUT, argv)).requireSuccess();
  }
}
