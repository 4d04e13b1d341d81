package io.stage1xen.xen;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a pod's domain ended when nobody on the host asked it to, from what Xen and xl recorded: xl's monitor log,
 * the domain's lines of Xen's console ({@code xl dmesg}), the guest's console log. {@link #describe} is the one
 * line a person reads instead of whatever the start tripped over next (a vif that vanished, a closed channel).
 *
 * @param name the domain's name
 * @param monitor what xl's monitor daemon logged
 * @param tripleFault Xen's line about the domain's triple fault, verbatim
 * @param panic the guest kernel's panic line from its console log (guest text: shown escaped, never trusted)
 * @param xlLog where xl's monitor log is (or would be)
 * @param xlLogFound whether it was there
 * @param consoleLog the guest's console log, when xenconsoled keeps one
 */
public record DomainDeath(String name, XlMonitorLog monitor, Optional<String> tripleFault, Optional<String> panic,
    Path xlLog, boolean xlLogFound, Optional<Path> consoleLog) {

  public DomainDeath {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(monitor, "monitor");
    Objects.requireNonNull(tripleFault, "tripleFault");
    Objects.requireNonNull(panic, "panic");
    Objects.requireNonNull(xlLog, "xlLog");
    Objects.requireNonNull(consoleLog, "consoleLog");
  }

  /** Xen itself ended it for a crash: a guest kernel's panic (PV), or a crash shutdown it asked for. */
  public boolean crashed() {
    return monitor.reason().filter(r -> r == ShutdownReason.CRASH).isPresent();
  }

  /**
   * One line: the domain, what happened to it, and where to look.
   *
   * @param when "before its apps started", "while its apps ran"
   */
  public String describe(String when) {
    StringBuilder sb = new StringBuilder("the pod VM ").append(name);
    monitor.domid().ifPresent(id -> sb.append(" (domain ").append(id).append(')'));
    Optional<ShutdownReason> reason = monitor.reason();
    if (monitor.destroyed()) {
      sb.append(" was destroyed from outside (xl destroy, or another toolstack) ").append(when);
    } else if (reason.isPresent() && tripleFault.isPresent()) {
      sb.append(" died ").append(when).append(": Xen logged \"").append(tripleFault.get())
          .append("\" and shut it down (reason: ").append(reason.get().verb()).append(')');
    } else if (reason.isPresent() && reason.get() == ShutdownReason.CRASH) {
      sb.append(" crashed ").append(when).append(": Xen shut it down for a crash (reason code 3)");
    } else if (reason.isPresent()) {
      sb.append(' ').append(reason.get().verb()).append(' ').append(when).append(" (Xen's shutdown reason code ")
          .append(reason.get().code()).append(')');
    } else if (monitor.reasonCode().isPresent()) {
      sb.append(" shut down ").append(when).append(" with Xen's reason code ").append(monitor.reasonCode().getAsInt());
    } else if (tripleFault.isPresent()) {
      sb.append(" died ").append(when).append(": Xen logged \"").append(tripleFault.get()).append('"');
    } else {
      sb.append(" ended ").append(when).append(" and is gone; ")
          .append(xlLogFound ? "xl's log does not say how" : "xl left no log of it");
    }
    panic.ifPresent(p -> sb.append("; its console says \"").append(XlSyntax.show(p)).append('"'));
    sb.append("; see ").append(xlLog);
    consoleLog.ifPresent(c -> sb.append(", ").append(c));
    if (tripleFault.isPresent()) {
      sb.append(" and 'xl dmesg'");
    }
    return sb.toString();
  }
}
