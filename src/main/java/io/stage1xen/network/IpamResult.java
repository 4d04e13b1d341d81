package io.stage1xen.network;

import io.stage1xen.appc.AppcJson;
import io.stage1xen.appc.InvalidManifestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What host-local allocated: the pod's IPv4 address with the subnet's prefix length, the gateway, the routes of the
 * configuration and its DNS settings. Both result layouts are read: CNI 0.1/0.2 ({@code ip4}) and 0.3 and later
 * ({@code ips}, {@code routes}).
 */
public record IpamResult(Ipv4Net address, Optional<Ipv4> gateway, List<Route> routes, Optional<Dns> dns) {
  public IpamResult {
    routes = List.copyOf(routes);
  }

  public static IpamResult parse(String json, String source) {
    Object parsed;
    try {
      parsed = AppcJson.readPlain(json, source);
    } catch (InvalidManifestException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> result)) {
      throw new IllegalArgumentException(source + ": expected a JSON object");
    }
    Ipv4Net address = null;
    Optional<Ipv4> gateway = Optional.empty();
    Object routeList;
    if (result.get("ip4") instanceof Map<?, ?> ip4) {
      address = Ipv4Net.parse(text(ip4.get("ip"), source + ": ip4.ip"), source + ": ip4.ip");
      gateway = optionalAddress(ip4.get("gateway"), source + ": ip4.gateway");
      routeList = ip4.get("routes");
    } else {
      if (result.get("ips") instanceof List<?> ips) {
        for (Object o : ips) {
          if (o instanceof Map<?, ?> ip && ip.get("address") instanceof String a && !a.contains(":")) {
            address = Ipv4Net.parse(a, source + ": ips.address");
            gateway = optionalAddress(ip.get("gateway"), source + ": ips.gateway");
            break;
          }
        }
      }
      routeList = result.get("routes");
    }
    if (address == null) {
      throw new IllegalArgumentException(source + ": the IPAM plugin returned no IPv4 address (stage1-xen attaches"
          + " IPv4 networks only)");
    }
    List<Route> routes = new ArrayList<>();
    if (routeList instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof Map<?, ?> r) || !(r.get("dst") instanceof String dst)) {
          throw new IllegalArgumentException(source + ": routes: every route needs a \"dst\"");
        }
        if (dst.contains(":")) {
          continue; // IPv6 routes belong to IPv6 addresses, which are not attached
        }
        routes.add(new Route(Ipv4Net.parse(dst, source + ": routes.dst"),
            optionalAddress(r.get("gw"), source + ": routes.gw")));
      }
    }
    Optional<Dns> dns = result.get("dns") == null ? Optional.empty()
        : Optional.of(Dns.fromJson(result.get("dns"), source + ": dns")).filter(d -> !d.isEmpty());
    return new IpamResult(address, gateway, routes, dns);
  }

  private static String text(Object o, String what) {
    if (!(o instanceof String s)) {
      throw new IllegalArgumentException(what + ": expected a string");
    }
    return s;
  }

  private static Optional<Ipv4> optionalAddress(Object o, String what) {
    return o == null || "".equals(o) ? Optional.empty() : Optional.of(Ipv4.parse(text(o, what), what));
  }
}
