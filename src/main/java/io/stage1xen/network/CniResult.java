package io.stage1xen.network;

import io.stage1xen.inet.Ipv4;
import io.stage1xen.inet.Ipv4Net;
import io.stage1xen.json.ValueException;
import java.util.List;
import java.util.Optional;

/**
 * What a CNI IPAM plugin prints for ADD, as JSON, in both layouts: CNI 0.1/0.2 ({@code ip4} with its routes) and
 * 0.3 and later ({@code ips}, {@code routes}). IPv6 entries are kept as text and skipped by {@link IpamResult};
 * every IPv4 value is checked where it is read, so a bad one fails naming its field.
 */
public record CniResult(String cniVersion, Optional<Ip4> ip4, List<Ip> ips, List<CniRoute> routes, Optional<Dns> dns) {
  public CniResult {
    ip4 = ip4 == null ? Optional.empty() : ip4;
    ips = ips == null ? List.of() : List.copyOf(ips);
    routes = routes == null ? List.of() : List.copyOf(routes);
    dns = dns == null ? Optional.empty() : dns.filter(d -> !d.isEmpty());
  }

  /** CNI 0.1/0.2: the IPv4 address, its gateway and routes. */
  public record Ip4(Ipv4Net ip, String gateway, List<CniRoute> routes) {
    public Ip4 {
      if (ip == null) {
        throw ValueException.withoutValue("ip", "is required");
      }
      optionalAddress(gateway, "gateway");
      routes = routes == null ? List.of() : List.copyOf(routes);
    }

    public Optional<Ipv4> gatewayAddress() {
      return optionalAddress(gateway, "gateway");
    }
  }

  /** CNI 0.3 and later: one address of the result, IPv4 or IPv6. */
  public record Ip(String address, String gateway) {
    public Ip {
      if (address == null) {
        throw ValueException.withoutValue("address", "is required");
      }
      if (ipv4Text(address)) {
        Ipv4Net.parse(address, "address");
        optionalAddress(gateway, "gateway");
      }
    }

    public boolean isIpv4() {
      return ipv4Text(address);
    }

    public Ipv4Net ipv4() {
      return Ipv4Net.parse(address, "address");
    }

    public Optional<Ipv4> gatewayAddress() {
      return optionalAddress(gateway, "gateway");
    }
  }

  /** A route: an IPv4 or IPv6 destination, and the gateway or none for the link. */
  public record CniRoute(String dst, String gw) {
    public CniRoute {
      if (dst == null) {
        throw ValueException.withoutValue("dst", "every route needs a \"dst\"");
      }
      if (ipv4Text(dst)) {
        Ipv4Net.parse(dst, "dst");
        optionalAddress(gw, "gw");
      }
    }

    public boolean isIpv4() {
      return ipv4Text(dst);
    }

    public Route route() {
      return new Route(Ipv4Net.parse(dst, "dst"), optionalAddress(gw, "gw"));
    }
  }

  /** IPv6 text always has a ':'; everything else is read (and checked) as IPv4. */
  private static boolean ipv4Text(String address) {
    return !address.contains(":");
  }

  /** Plugins write an absent gateway as a missing field or as "". */
  private static Optional<Ipv4> optionalAddress(String text, String field) {
    return text == null || text.isEmpty() ? Optional.empty() : Optional.of(Ipv4.parse(text, field));
  }
}
