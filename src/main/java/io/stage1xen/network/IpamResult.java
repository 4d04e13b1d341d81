package io.stage1xen.network;

import io.stage1xen.inet.Ipv4;
import io.stage1xen.inet.Ipv4Net;
import io.stage1xen.json.Json;
import io.stage1xen.json.JsonException;
import io.stage1xen.outcome.Stage1Failure;
import java.util.List;
import java.util.Optional;

/**
 * What host-local allocated: the pod's IPv4 address with the subnet's prefix length, the gateway, the routes of the
 * configuration and its DNS settings, from the plugin's {@link CniResult}.
 */
public record IpamResult(Ipv4Net address, Optional<Ipv4> gateway, List<Route> routes, Optional<Dns> dns) {
  public IpamResult {
    routes = List.copyOf(routes);
  }

  /** @param source names the plugin's output in errors, e.g. {@code host-local's result for network default} */
  public static IpamResult parse(String json, String source) {
    CniResult result;
    try {
      result = Json.read(json, source, CniResult.class);
    } catch (JsonException e) {
      throw new Stage1Failure(e.getMessage(), e);
    }
    List<CniResult.CniRoute> routes = result.routes();
    Ipv4Net address = null;
    Optional<Ipv4> gateway = Optional.empty();
    if (result.ip4().isPresent()) {
      address = result.ip4().get().ip();
      gateway = result.ip4().get().gatewayAddress();
      routes = result.ip4().get().routes();
    } else {
      Optional<CniResult.Ip> first = result.ips().stream().filter(CniResult.Ip::isIpv4).findFirst();
      if (first.isPresent()) {
        address = first.get().ipv4();
        gateway = first.get().gatewayAddress();
      }
    }
    if (address == null) {
      throw new Stage1Failure(source + ": the IPAM plugin returned no IPv4 address (stage1-xen attaches"
          + " IPv4 networks only)");
    }
    // IPv6 routes belong to IPv6 addresses, which are not attached
    List<Route> v4 = routes.stream().filter(CniResult.CniRoute::isIpv4).map(CniResult.CniRoute::route).toList();
    return new IpamResult(address, gateway, v4, result.dns());
  }
}
