package io.stage1xen.lifecycle;

import io.stage1xen.guest.ControlChannel;
import io.stage1xen.guest.PodPlan;
import java.io.IOException;
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
  /** The app session of the pod's only app. */
  private static final int SESSION = PodPlan.sessionOf(0);

  private final Optional<Terminal> terminal;

  private Interactive(Optional<Terminal> terminal) {
    this.terminal = terminal;
  }

  static Interactive start(Stage1Environment env, ControlChannel channel, boolean useTerminal) throws Exception {
    Optional<Terminal> tty = useTerminal ? Terminal.ofStdin(env) : Optional.empty();
    if (tty.isPresent()) {
      Terminal t = tty.get();
      t.enterRawMode();
      Runnable resize = () -> {
        try {
          int[] size = t.size();
          channel.sendWinsize(SESSION, size[0], size[1]);
        } catch (Exception e) {
          LOG.debug("terminal size not sent: {}", e.getMessage());
        }
      };
      resize.run();
      env.signals().handle(List.of("WINCH"), resize);
    }
    pump(env, data -> channel.sendStdin(SESSION, data), "interactive-stdin");
    return new Interactive(tty);
  }

  /** Where stdin's bytes go; an empty array is end of input. */
  interface Sink {
    void accept(byte[] data) throws IOException;
  }

  /** Copies stdin to the sink on a daemon thread, ending with an empty array at end of input. */
  static void pump(Stage1Environment env, Sink sink, String name) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[32 * 1024];
      try {
        int n;
        while ((n = env.stdin().read(buf)) > 0) {
          sink.accept(Arrays.copyOf(buf, n));
        }
        sink.accept(new byte[0]);
      } catch (IOException e) {
        LOG.debug("stdin relay ended: {}", e.getMessage());
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    terminal.ifPresent(t -> {
      try {
        t.close();
      } catch (Exception e) {
        LOG.warn("could not restore the terminal (run 'stty sane'): {}", e.getMessage());
      }
    });
  }
}
