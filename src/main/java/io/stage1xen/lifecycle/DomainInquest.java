package io.stage1xen.lifecycle;

import io.stage1xen.xen.DomainDeath;
import io.stage1xen.xen.XenConsoleLines;
import io.stage1xen.xen.Xl;
import io.stage1xen.xen.XlException;
import io.stage1xen.xen.XlMonitorLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a pod's domain died, and how, when its start failed or its guest hung up without powering off. A VM that
 * dies makes the next step of the start fail (its vif is gone, its channel closes), and that step's error would
 * send a person after the wrong thing; what Xen and xl recorded says what happened. Sources: xl's monitor log
 * ({@code <xen logs>/xl-<name>.log}), Xen's console ({@code xl dmesg}) for the domain's id, and the guest's console
 * log ({@code <xen logs>/console/guest-<name>.log}) when xenconsoled keeps one.
 */
final class DomainInquest {
  private static final Logger LOG = LoggerFactory.getLogger(DomainInquest.class);
  /** How long the domain and xl's monitor get to finish what they are doing (destroying it, logging its end). */
  static final Duration SETTLE = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(200);
  /** The console log is the guest's to fill: only its end is read. */
  private static final int CONSOLE_TAIL = 64 * 1024;

  private final Stage1Environment env;
  private final Xl xl;
  private final String name;

  DomainInquest(Stage1Environment env, Xl xl, String name) {
    this.env = env;
    this.xl = xl;
    this.name = name;
  }

  Path xlLog() {
    return env.xenLogs().resolve("xl-" + name + ".log");
  }

  Path consoleLog() {
    return env.xenLogs().resolve("console").resolve("guest-" + name + ".log");
  }

  /**
   * The domain's death, or empty when it still runs and nothing says it is ending (then the failure is not its
   * death).
   *
   * @param vmEnded the guest is known to have gone (its channel closed): report it even when Xen and xl are slow
   *     to say so
   */
  Optional<DomainDeath> inquire(boolean vmEnded) throws InterruptedException {
    Instant deadline = env.clock().instant().plus(SETTLE);
    while (true) {
      boolean gone = gone();
      boolean logged = Files.exists(xlLog());
      XlMonitorLog monitor = monitorLog();
      boolean settled = gone && (monitor.ended() || !logged); // gone and logged, or gone with no monitor to log it
      // A domain being destroyed loses its vifs before xl stops listing it (a step of the start then fails on a
      // missing vif while the domain still shows), so a live domain gets the settle time too before the failure is
      // taken as not its death
      boolean outOfTime = !env.clock().instant().isBefore(deadline);
      if (settled || (outOfTime && (gone || monitor.ended() || vmEnded))) {
        LOG.debug("domain {}: gone={}, xl's monitor log {}: {}", name, gone, xlLog(), monitor);
        return Optional.of(facts(monitor, logged));
      }
      if (outOfTime) {
        return Optional.empty(); // still there after the settle time: whatever failed, it was not the VM's death
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private boolean gone() throws InterruptedException {
    try {
      return xl.domid(name).isEmpty();
    } catch (XlException e) {
      LOG.debug("cannot tell whether domain {} is gone: {}", name, e.getMessage());
      return false;
    }
  }

  private XlMonitorLog monitorLog() {
    try {
      return XlMonitorLog.parse(tail(xlLog()));
    } catch (IOException e) {
      return XlMonitorLog.NONE;
    }
  }

  private DomainDeath facts(XlMonitorLog monitor, boolean logged) throws InterruptedException {
    Optional<String> tripleFault = Optional.empty();
    if (monitor.domid().isPresent()) {
      try {
        List<String> lines = XenConsoleLines.forDomain(xl.dmesg(), monitor.domid().getAsInt());
        lines.forEach(l -> LOG.debug("xl dmesg: {}", l));
        tripleFault = XenConsoleLines.tripleFault(lines);
      } catch (XlException e) {
        LOG.debug("xl dmesg: {}", e.getMessage());
      }
    }
    Optional<Path> console = Files.isRegularFile(consoleLog()) ? Optional.of(consoleLog()) : Optional.empty();
    Optional<String> panic = Optional.empty();
    if (console.isPresent()) {
      try {
        panic = panicLine(tail(console.get()));
      } catch (IOException e) {
        LOG.debug("cannot read {}: {}", console.get(), e.getMessage());
      }
    }
    return new DomainDeath(name, monitor, tripleFault, panic, xlLog(), logged, console);
  }

  /** The guest kernel's first "Kernel panic - not syncing: …" (a trace may repeat it), from those words on. */
  static Optional<String> panicLine(String console) {
    for (String line : console.split("\n")) {
      int at = line.indexOf("Kernel panic");
      if (at >= 0) {
        return Optional.of(line.substring(at).strip());
      }
    }
    return Optional.empty();
  }

  private static String tail(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(0, f.length() - CONSOLE_TAIL);
      byte[] b = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }
  }
}
