package io.stage1xen.pod;

import io.stage1xen.outcome.Stage1Failure;
import java.util.Locale;

/**
 * run's {@code --dns-conf-mode=resolv=<mode>,hosts=<mode>} (interface version 4): who provides /etc/resolv.conf and
 * /etc/hosts to the apps. {@code host}: the host's file; {@code stage0}: the file stage0 wrote into the stage1
 * tree; {@code none} (resolv only): no file; {@code default}: the stage1's own behaviour.
 */
public record DnsConfMode(Resolv resolv, Hosts hosts) {
  public enum Resolv {
    HOST,
    STAGE0,
    NONE,
    DEFAULT
  }

  public enum Hosts {
    HOST,
    STAGE0,
    DEFAULT
  }

  public static final DnsConfMode DEFAULT = new DnsConfMode(Resolv.DEFAULT, Hosts.DEFAULT);

  public DnsConfMode {
    if (resolv == null || hosts == null) {
      throw new Stage1Failure("both resolv and hosts modes are required");
    }
  }

  /** Parses {@code resolv=X,hosts=Y}; either part may be left out (it stays {@code default}), in any order. */
  public static DnsConfMode parse(String value) {
    if (value == null || value.isEmpty()) {
      throw new Stage1Failure("--dns-conf-mode needs a value");
    }
    Resolv resolv = null;
    Hosts hosts = null;
    for (String pair : value.split(",", -1)) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String mode = eq < 0 ? "" : pair.substring(eq + 1);
      switch (key) {
        case "resolv" -> {
          if (resolv != null) {
            throw new Stage1Failure("'resolv' given twice in " + EntrypointValues.quote(value));
          }
          resolv = mode(Resolv.class, mode, "resolv", "host, stage0, none or default");
        }
        case "hosts" -> {
          if (hosts != null) {
            throw new Stage1Failure("'hosts' given twice in " + EntrypointValues.quote(value));
          }
          hosts = mode(Hosts.class, mode, "hosts", "host, stage0 or default");
        }
        default -> throw new Stage1Failure("unknown part " + EntrypointValues.quote(key) + " (resolv or hosts)");
      }
    }
    return new DnsConfMode(resolv == null ? Resolv.DEFAULT : resolv, hosts == null ? Hosts.DEFAULT : hosts);
  }

  private static <E extends Enum<E>> E mode(Class<E> type, String text, String key, String allowed) {
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(text)) {
        return e;
      }
    }
    throw new Stage1Failure("invalid " + key + " mode " + EntrypointValues.quote(text) + " (" + allowed + ")");
  }

  /** The flag's value as rkt writes it. */
  @Override
  public String toString() {
    return "resolv=" + resolv.name().toLowerCase(Locale.ROOT) + ",hosts=" + hosts.name().toLowerCase(Locale.ROOT);
  }
}
