package io.stage1xen.lifecycle;

import io.stage1xen.guest.ControlChannel;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rkt run --interactive: this process's stdin feeds the pod's single app, and when stdin is a terminal the app
 * gets a pty of the same size in the guest while the local terminal is in raw mode (keys such as Ctrl-C travel as
 * bytes to the app's pty, whose line discipline turns them into signals there).
 */
final class Interactive implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Interactive.class);
  private static final Duration STTY_TIMEOUT = Duration.ofSeconds(10);
  /** The app session of the pod's only app. */
  private static final int SESSION = PodPlan.sessionOf(0);

  private final Stage1Environment env;
  private final ControlChannel channel;
  private final Optional<Path> terminal;
  private final String savedMode;

  private Interactive(Stage1Environment env, ControlChannel channel, Optional<Path> terminal, String savedMode) {
    this.env = env;
    this.channel = channel;
    this.terminal = terminal;
    this.savedMode = savedMode;
  }

  /** The terminal device behind this process's stdin, if it is one. */
  static Optional<Path> terminalOf(Stage1Environment env) {
    try {
      Path target = Files.readSymbolicLink(env.proc().resolve(Long.toString(env.pid())).resolve("fd/0"));
      String t = target.toString();
      return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty") || t.equals("/dev/console")
          ? Optional.of(target) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static boolean isTerminal(Stage1Environment env) {
    return terminalOf(env).isPresent();
  }

  static Interactive start(Stage1Environment env, ControlChannel channel, boolean useTerminal) throws Exception {
    Optional<Path> tty = useTerminal ? terminalOf(env) : Optional.empty();
    String saved = null;
    if (tty.isPresent()) {
      saved = stty(env, tty.get(), "-g").stdout().strip();
      stty(env, tty.get(), "raw", "-echo");
    }
    Interactive session = new Interactive(env, channel, tty, saved);
    if (tty.isPresent()) {
      session.sendWindowSize();
      env.signals().handle(List.of("WINCH"), session::sendWindowSize);
    }
    Thread pump = new Thread(session::pumpStdin, "interactive-stdin");
    pump.setDaemon(true);
    pump.start();
    return session;
  }

  private void pumpStdin() {
    byte[] buf = new byte[32 * 1024];
    try {
      int n;
      while ((n = env.stdin().read(buf)) > 0) {
        channel.sendStdin(SESSION, Arrays.copyOf(buf, n));
      }
      channel.sendStdin(SESSION, new byte[0]);
    } catch (IOException e) {
      LOG.debug("stdin relay ended: {}", e.getMessage());
    }
  }

  private void sendWindowSize() {
    try {
      String[] size = stty(env, terminal.orElseThrow(), "size").stdout().strip().split("\\s+");
      channel.sendWinsize(SESSION, Integer.parseInt(size[0]), Integer.parseInt(size[1]));
    } catch (Exception e) {
      LOG.debug("terminal size not sent: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    if (terminal.isPresent() && savedMode != null) {
      try {
        stty(env, terminal.get(), savedMode);
      } catch (Exception e) {
        LOG.warn("could not restore the terminal (run 'stty sane'): {}", e.getMessage());
      }
    }
  }

  private static ExecResult stty(Stage1Environment env, Path tty, String... args)
      throws ProcessException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("stty", "-F", tty.toString()));
    argv.addAll(List.of(args));
    return env.processes().run(Command.of(STTY_TIMEOUT, argv)).requireSuccess();
  }
}
