package io.stage1xen.process;

import java.util.List;

/**
 * Delivery of the signals a supervisor reacts to. The system implementation uses the JDK's signal API (available to
 * native images too); tests raise signals by hand.
 */
public interface Signals {
  /** Calls {@code handler} (on a signal thread) for each of the named signals, e.g. "TERM", "INT", "HUP", "WINCH". */
  void handle(List<String> names, Runnable handler);

  /** The JDK's handler registration; a signal the platform refuses to hand over is skipped. */
  static Signals system() {
    return (names, handler) -> {
      for (String name : names) {
        try {
          sun.misc.Signal.handle(new sun.misc.Signal(name), s -> handler.run());
        } catch (IllegalArgumentException e) {
          // e.g. a signal the VM reserves for itself; nothing useful to do with it
        }
      }
    };
  }
}
