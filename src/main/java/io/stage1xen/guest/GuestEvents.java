package io.stage1xen.guest;

import java.io.IOException;

/**
 * What the guest reports, delivered by {@link ControlChannel} on its reader thread, in the order the guest sent
 * it (all output of a session comes before that session's {@code onExited}). Sessions: 0 the pod, {@code 1 + i}
 * app i, {@code >= 0x10000} exec sessions.
 */
public interface GuestEvents {
  enum Stream { STDOUT, STDERR }

  enum LogLevel {
    ERROR, WARNING, INFO, DEBUG;

    static LogLevel of(int wire) {
      return switch (wire) {
        case 1 -> ERROR;
        case 2 -> WARNING;
        case 3 -> INFO;
        default -> DEBUG;
      };
    }
  }

  enum PoweroffReason {
    /** every app exited 0 */
    ALL_DONE,
    /** an app exited non-zero (or could not start) and the pod rule stopped the others */
    APP_FAILED,
    /** SHUTDOWN, or a power-off request from Xen */
    REQUESTED,
    /** the guest init hit a fatal error (its LOG says which) */
    GUEST_ERROR,
    UNKNOWN;

    static PoweroffReason of(int wire) {
      return switch (wire) {
        case 0 -> ALL_DONE;
        case 1 -> APP_FAILED;
        case 2 -> REQUESTED;
        case 3 -> GUEST_ERROR;
        default -> UNKNOWN;
      };
    }
  }

  /** The guest is up; the plan has just been sent. {@code info} is {@code key=value} words (docs/PROTOCOL.md). */
  default void onHello(int version, String info) {}

  default void onStarted(int session, long pid) {}

  /** Every app was started (after its pre-start handlers). */
  default void onReady() {}

  /** The exit status of an app or exec session: 0-255, 128+N when killed by signal N. */
  default void onExited(int session, int code) {}

  default void onOutput(int session, Stream stream, byte[] data) {}

  default void onLog(int session, LogLevel level, String text) {}

  /** Sent after every EXITED, right before the guest powers off. */
  default void onPoweroff(PoweroffReason reason) {}

  /** The link ended: {@code cause} null for a clean end of stream. Always the last call. */
  default void onClosed(IOException cause) {}
}
