package io.stage1xen.guest;

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
  static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
  static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  static final Pattern QUAD = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
      + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  static final Pattern PREFIX = Pattern.compile(QUAD.pattern() + "/(3[0-2]|[12]?[0-9])");

  public InterfacePlan {
    PlanChecks.matching("interface name", name, IFNAME);
    PlanChecks.matching("interface " + name + " MAC", mac, MAC);
    PlanChecks.matching("interface " + name + " address", address, PREFIX);
    if (mtu != 0 && (mtu < 68 || mtu > 65535)) {
      throw new IllegalArgumentException("interface " + name + " MTU " + mtu + " is outside 68..65535");
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
