package io.stage1xen.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.PodPort;
import io.stage1xen.appc.Port;
import io.stage1xen.inet.Ipv4;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pod manifest's ports as forwards: which host addresses are accepted, and the one-line refusals. */
class PortForwardsTest {
  private static final Path MANIFEST = Path.of("/pods/run/p/pod");

  private static List<PortForward> resolve(String hostIp) {
    PodPort p = new PodPort(AcName.of("http"), 8080, Optional.ofNullable(hostIp),
        Optional.of(new Port(AcName.of("http"), "TCP", 80, 1, false)));
    return PortForwards.resolve(List.of(p), List.of(), MANIFEST);
  }

  @ParameterizedTest(name = "hostIP {0}")
  @CsvSource(nullValues = "none", value = {
      "none, none",
      "0.0.0.0, none",
      "192.168.1.10, 192.168.1.10",
      "128.0.0.1, 128.0.0.1",
      "126.255.255.255, 126.255.255.255"})
  void acceptedHostAddresses(String hostIp, String expected) {
    PortForward f = resolve(hostIp).get(0);
    assertEquals(new PortForward("http", "tcp", 8080, Optional.ofNullable(expected).map(e -> Ipv4.parse(e, "t")),
        80), f);
  }

  /** Forwarding from dom0's loopback would need route_localnet, which opens dom0's 127.0.0.1 to the pod. */
  @ParameterizedTest(name = "hostIP {0}")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1 | /pods/run/p/pod: ports[0].hostIP: '127.0.0.1' is a loopback address; stage1-xen does not forward"
          + " from dom0's loopback, which would open it to the pod (use one of the host's addresses, or none for all"
          + " of them)",
      "127.255.0.9 | /pods/run/p/pod: ports[0].hostIP: '127.255.0.9' is a loopback address; stage1-xen does not"
          + " forward from dom0's loopback, which would open it to the pod (use one of the host's addresses, or none"
          + " for all of them)",
      "::1 | /pods/run/p/pod: ports[0].hostIP: '::1' is not an IPv4 address (stage1-xen forwards IPv4 only)"})
  void refusedHostAddresses(String hostIp, String message) {
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> resolve(hostIp));
    assertEquals(message, e.getMessage());
  }
}
