package io.stage1xen.xen;

import java.util.Optional;

/**
 * Why Xen shut a domain down: the reason codes of Xen's public sched.h (SHUTDOWN_*), as xl's monitor daemon logs
 * them ("Domain 5 has shut down, reason code 3 0x3").
 */
public enum ShutdownReason {
  POWEROFF(0, "powered off"),
  /** Also what Xen does to an HVM or PVH guest that triple-faults (its default HVM shutdown action). */
  REBOOT(1, "rebooted"),
  SUSPEND(2, "suspended"),
  CRASH(3, "crashed"),
  WATCHDOG(4, "was stopped by its watchdog"),
  SOFT_RESET(5, "asked for a soft reset");

  private final int code;
  private final String verb;

  ShutdownReason(int code, String verb) {
    this.code = code;
    this.verb = verb;
  }

  public int code() {
    return code;
  }

  /** What the domain did, for a sentence: "crashed", "powered off". */
  public String verb() {
    return verb;
  }

  public static Optional<ShutdownReason> ofCode(int code) {
    for (ShutdownReason r : values()) {
      if (r.code == code) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
