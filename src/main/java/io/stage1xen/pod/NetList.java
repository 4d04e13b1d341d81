package io.stage1xen.pod;

import io.stage1xen.outcome.Stage1Failure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * run's {@code --net} value, parsed with the rules of rkt's NetList: comma-separated {@code name[:args]} items,
 * names unique, no arguments for the special names {@code all} and {@code host}. Names and arguments are further
 * restricted to plain characters, since they end up in configuration and messages. The text is kept verbatim.
 */
public record NetList(String raw, List<NetworkRequest> networks) {
  private static final Pattern ARG = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=[A-Za-z0-9._/+@-]*");

  public static final String DEFAULT_NAME = "default";
  /** What rkt passes without {@code --net}; also the value when the flag is absent. */
  public static final NetList DEFAULT = parse(DEFAULT_NAME);

  public NetList {
    networks = List.copyOf(networks);
  }

  public static NetList parse(String value) {
    if (value == null || value.isEmpty()) {
      throw new Stage1Failure("--net needs a value");
    }
    List<NetworkRequest> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String item : value.split(",", -1)) {
      String[] parts = item.split(":", -1);
      String name = parts[0];
      if (name.isEmpty()) {
        throw new Stage1Failure("empty network name in " + EntrypointValues.quote(value));
      }
      if (!NetworkRequest.NAME.matcher(name).matches()) {
        throw new Stage1Failure("invalid network name " + EntrypointValues.quote(name));
      }
      if (!seen.add(name)) {
        throw new Stage1Failure("network " + EntrypointValues.quote(name) + " given twice");
      }
      if (parts.length > 2) {
        throw new Stage1Failure("network " + EntrypointValues.quote(name) + " has more than one ':'");
      }
      Optional<String> args = parts.length == 2 && !parts[1].isEmpty() ? Optional.of(parts[1]) : Optional.empty();
      if (args.isPresent() && (name.equals("all") || name.equals("host"))) {
        throw new Stage1Failure("network " + EntrypointValues.quote(name) + " takes no arguments");
      }
      if (args.isPresent()) {
        for (String arg : args.get().split(";", -1)) {
          if (!ARG.matcher(arg).matches()) {
            throw new Stage1Failure("invalid argument " + EntrypointValues.quote(arg) + " for network "
                + EntrypointValues.quote(name) + " (KEY=value, several joined by ';')");
          }
        }
      }
      out.add(new NetworkRequest(name, args));
    }
    return new NetList(value, out);
  }

  public boolean contains(String name) {
    return networks.stream().anyMatch(n -> n.name().equals(name));
  }

  /** {@code --net=none}: only a loopback interface. */
  public boolean isNone() {
    return contains("none");
  }

  /** {@code --net=host}: the host's network namespace (which a VM cannot share). */
  public boolean isHost() {
    return contains("host");
  }

  @Override
  public String toString() {
    return raw;
  }
}
