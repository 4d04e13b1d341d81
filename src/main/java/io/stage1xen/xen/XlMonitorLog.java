package io.stage1xen.xen;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What xl's monitor daemon (the process {@code xl create} leaves behind) logged about a domain's end in
 * {@code /var/log/xen/xl-<name>.log}. Lines it writes (xl 4.17.7, measured):
 *
 * <pre>
 * Waiting for domain rkt-… (domid 5) to die [pid 824]
 * Domain 5 has shut down, reason code 3 0x3
 * Action for shutdown reason code 3 is destroy
 * Domain 5 needs to be cleaned up: destroying the domain
 * Done. Exiting now
 * </pre>
 *
 * and, for a domain destroyed by someone else ({@code xl destroy}), "Domain 5 has been destroyed." with no shutdown
 * line before it. xl rotates the file when a new domain of the same name starts, so the last "Waiting" line begins
 * the domain's part; libxl's own messages may be mixed in and are ignored.
 *
 * @param domid the domain's id, when the monitor got to say it
 * @param reasonCode the shutdown reason code, when the domain shut down (rather than being destroyed)
 * @param destroyed whether the monitor saw the domain destroyed without a shutdown before (from outside)
 * @param ended whether the monitor logged the domain's end in any way
 */
public record XlMonitorLog(OptionalInt domid, OptionalInt reasonCode, boolean destroyed, boolean ended) {
  private static final Pattern WAITING =
      Pattern.compile("^Waiting for domain .* \\(domid (\\d+)\\) to die", Pattern.MULTILINE);
  private static final Pattern SHUT_DOWN = Pattern.compile("^Domain (\\d+) has shut down, reason code (\\d+)");
  private static final Pattern DESTROYED = Pattern.compile("^Domain (\\d+) has been destroyed");

  public static final XlMonitorLog NONE = new XlMonitorLog(OptionalInt.empty(), OptionalInt.empty(), false, false);

  public static XlMonitorLog parse(String text) {
    Matcher waiting = WAITING.matcher(text);
    int from = 0;
    OptionalInt domid = OptionalInt.empty();
    while (waiting.find()) {
      from = waiting.start();
      domid = OptionalInt.of(Integer.parseInt(waiting.group(1)));
    }
    OptionalInt reason = OptionalInt.empty();
    boolean destroyed = false;
    boolean ended = false;
    for (String line : text.substring(from).split("\n")) {
      Matcher m = SHUT_DOWN.matcher(line);
      if (m.find()) {
        domid = domid.isPresent() ? domid : OptionalInt.of(Integer.parseInt(m.group(1)));
        reason = OptionalInt.of(Integer.parseInt(m.group(2)));
        ended = true;
      } else if ((m = DESTROYED.matcher(line)).find()) {
        domid = domid.isPresent() ? domid : OptionalInt.of(Integer.parseInt(m.group(1)));
        destroyed = reason.isEmpty();
        ended = true;
      } else if (line.startsWith("Done. Exiting now")) {
        ended = true;
      }
    }
    return new XlMonitorLog(domid, reason, destroyed, ended);
  }

  public Optional<ShutdownReason> reason() {
    return reasonCode.isPresent() ? ShutdownReason.ofCode(reasonCode.getAsInt()) : Optional.empty();
  }
}
