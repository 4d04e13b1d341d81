package io.stage1xen.network;

import io.stage1xen.inet.Ipv4;
import io.stage1xen.inet.Ipv4Net;
import io.stage1xen.outcome.Stage1Failure;
import java.util.Optional;

/** A route the pod VM gets: a destination prefix, through a gateway or directly on the link. */
public record Route(Ipv4Net destination, Optional<Ipv4> via) {
  public Route {
    if (destination == null) {
      throw new Stage1Failure("a route needs a destination");
    }
    via = via == null ? Optional.empty() : via;
  }

  public static Route onLink(Ipv4Net destination) {
    return new Route(destination, Optional.empty());
  }

  public static Route via(Ipv4Net destination, Ipv4 gateway) {
    return new Route(destination, Optional.of(gateway));
  }
}
