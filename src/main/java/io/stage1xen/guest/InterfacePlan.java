package io.stage1xen.guest;

import io.stage1xen.inet.InterfaceName;
import io.stage1xen.inet.Ipv4;
import io.stage1xen.inet.Ipv4Net;
import io.stage1xen.inet.MacAddress;
import io.stage1xen.outcome.Stage1Failure;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A network interface the guest configures before any app starts: the netfront (or virtio) device with this MAC gets
 * the name, MTU, address and routes. Addresses and routes are IPv4 text ({@code a.b.c.d/n}, {@code a.b.c.d}); the
 * guest parses them again with inet_pton.
 *
 * @param mtu 0 to keep the device's
 * @param prefixRoute false on a point-to-point link: the address gets no route for its subnet (the routes say how
 *     to reach it)
 */
public record InterfacePlan(String name, String mac, String address, int mtu, boolean prefixRoute,
    List<RoutePlan> routes) {
  static final Pattern MAC = MacAddress.PATTERN;
  static final Pattern IFNAME = InterfaceName.PATTERN;
  static final Pattern QUAD = Ipv4.PATTERN;
  static final Pattern PREFIX = Ipv4Net.PATTERN;

  public InterfacePlan {
    PlanChecks.matching("interface name", name, IFNAME);
    PlanChecks.matching("interface " + name + " MAC", mac, MAC);
    PlanChecks.matching("interface " + name + " address", address, PREFIX);
    if (mtu != 0 && (mtu < 68 || mtu > 65535)) {
      throw new Stage1Failure("interface " + name + " MTU " + mtu + " is outside 68..65535");
    }
    routes = List.copyOf(routes);
  }

  /** A route: destination prefix, and the gateway or null for a destination on the link. */
  public record RoutePlan(String destination, String via) {
    public RoutePlan {
      PlanChecks.matching("route destination", destination, PREFIX);
      if (via != null) {
        PlanChecks.matching("route gateway", via, QUAD);
      }
    }
  }
}
