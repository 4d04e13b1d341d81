package io.stage1xen.appc;

import io.stage1xen.inet.Ipv4;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A port the pod exposes on the host ({@code ports} of a pod manifest): the app port {@code name} forwarded from
 * {@code hostPort}, optionally only on {@code hostIP}; {@code podPort} carries the app port when rkt resolved it.
 */
public record PodPort(AcName name, int hostPort, Optional<String> hostIP, Optional<Port> podPort) {
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  public PodPort {
    if (name == null) {
      throw InvalidValueException.withoutValue("name", "is required");
    }
    if (hostPort < 0 || hostPort > 65535) {
      throw new InvalidValueException("hostPort", "must be in the range 0-65535", hostPort);
    }
    hostIP = hostIP == null ? Optional.empty() : hostIP.filter(s -> !s.isEmpty());
    hostIP.ifPresent(ip -> {
      if (!isIpLiteral(ip)) {
        throw new InvalidValueException("hostIP", "not an IPv4 or IPv6 address", ip);
      }
    });
    podPort = podPort == null ? Optional.empty() : podPort;
  }

  /**
   * Checks the literal without ever resolving a name: InetAddress parses text that starts with a hex digit or ':'
   * and contains ':' as an IPv6 literal and fails without a lookup, and the character check guarantees that shape.
   */
  static boolean isIpLiteral(String s) {
    if (Ipv4.isIpv4(s)) {
      return true;
    }
    if (!s.contains(":") || !IPV6_CHARS.matcher(s).matches() || s.charAt(0) == '.') {
      return false;
    }
    try {
      InetAddress.getByName(s);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
