package io.stage1xen.network;

import io.stage1xen.inet.Ipv4;
import io.stage1xen.outcome.Stage1Failure;
import java.util.Optional;

/** {@code rkt run --port=NAME:HOSTPORT}: host port (optionally on one host address) to the app's declared port. */
public record PortForward(String name, String protocol, int hostPort, Optional<Ipv4> hostIp, int podPort) {
  public PortForward {
    if (!protocol.equals("tcp") && !protocol.equals("udp")) {
      throw new Stage1Failure("port " + name + ": protocol '" + protocol + "' is not tcp or udp");
    }
    if (hostPort < 1 || hostPort > 65535 || podPort < 1 || podPort > 65535) {
      throw new Stage1Failure("port " + name + ": ports must be in 1..65535");
    }
  }
}
