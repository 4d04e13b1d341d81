package io.stage1xen.network;

import io.stage1xen.appc.App;
import io.stage1xen.appc.PodPort;
import io.stage1xen.appc.Port;
import io.stage1xen.inet.Ipv4;
import io.stage1xen.inet.Ipv4Net;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The pod manifest's {@code ports} ({@code rkt run --port=NAME:[HOSTIP:]HOSTPORT}) matched to the ports the apps
 * declare: the protocol (tcp or udp) and the port inside the pod come from the app's port of that name.
 */
public final class PortForwards {
  /** Forwarding from here would need route_localnet on the pod's device (docs/SECURITY.md). */
  private static final Ipv4Net LOOPBACK = Ipv4Net.parse(HostCommands.LOOPBACK, "loopback");

  private PortForwards() {}

  public static List<PortForward> resolve(List<PodPort> ports, List<App> apps, Path manifest) {
    List<PortForward> out = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      PodPort p = ports.get(i);
      String field = manifest + ": ports[" + i + "]";
      String name = p.name().value();
      Port target = p.podPort().orElseGet(() -> declared(apps, name).orElseThrow(() -> new Stage1Failure(
          field + ".name: '" + name + "' names no port of the pod's apps (declared: " + names(apps) + ")")));
      if (p.hostPort() == 0) {
        throw new Stage1Failure(field + ".hostPort: port '" + name + "' needs a host port");
      }
      Optional<Ipv4> hostIp = Optional.empty();
      if (p.hostIP().isPresent() && !p.hostIP().get().equals("0.0.0.0")) {
        if (!Ipv4.isIpv4(p.hostIP().get())) {
          throw new Stage1Failure(field + ".hostIP: '" + p.hostIP().get()
              + "' is not an IPv4 address (stage1-xen forwards IPv4 only)");
        }
        hostIp = Optional.of(Ipv4.parse(p.hostIP().get(), field + ".hostIP"));
        if (LOOPBACK.contains(hostIp.get())) {
          throw new Stage1Failure(field + ".hostIP: '" + p.hostIP().get() + "' is a loopback address;"
              + " stage1-xen does not forward from dom0's loopback, which would open it to the pod"
              + " (use one of the host's addresses, or none for all of them)");
        }
      }
      String protocol = target.protocol().isEmpty() ? "tcp" : target.protocol().toLowerCase(java.util.Locale.ROOT);
      if (!protocol.equals("tcp") && !protocol.equals("udp")) {
        throw new Stage1Failure(field + ": app port '" + name + "' has protocol '" + target.protocol()
            + "'; only tcp and udp can be forwarded");
      }
      out.add(new PortForward(name, protocol, p.hostPort(), hostIp, target.port()));
    }
    return out;
  }

  private static Optional<Port> declared(List<App> apps, String name) {
    return apps.stream().flatMap(a -> a.ports().stream()).filter(p -> p.name().value().equals(name)).findFirst();
  }

  private static String names(List<App> apps) {
    Set<String> names = new LinkedHashSet<>();
    apps.forEach(a -> a.ports().forEach(p -> names.add(p.name().value())));
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
