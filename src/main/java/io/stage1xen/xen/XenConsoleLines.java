package io.stage1xen.xen;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The lines of Xen's console ({@code xl dmesg}) about one domain: Xen names a domain's vCPU {@code d<domid>v<n>}
 * ("(XEN) d5v0 Triple fault - invoking HVM shutdown action") and the domain itself {@code d<domid>}. Domain ids
 * are not reused until they wrap, so within one boot of Xen the lines of an id are that domain's.
 */
public final class XenConsoleLines {
  private XenConsoleLines() {}

  public static List<String> forDomain(String dmesg, int domid) {
    Pattern mine = Pattern.compile("(?<![0-9A-Za-z])d" + domid + "(v\\d+)?(?![0-9])");
    List<String> out = new ArrayList<>();
    for (String line : dmesg.split("\n")) {
      String l = line.stripTrailing();
      if (mine.matcher(l).find()) {
        out.add(l);
      }
    }
    return out;
  }

  /** The domain's triple fault as Xen logged it (the whole line), if it had one. */
  public static Optional<String> tripleFault(List<String> lines) {
    return lines.stream().filter(l -> l.contains("Triple fault")).findFirst();
  }
}
