package io.stage1xen.network;

import io.stage1xen.inet.InterfaceName;
import io.stage1xen.inet.Ipv4;
import io.stage1xen.inet.Ipv4Net;
import io.stage1xen.inet.MacAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One network the pod VM is attached to: interface {@code eth<index>} in the guest with a MAC derived from the pod,
 * the vif {@code vif<domid>.<index>} in dom0, and the address host-local gave it.
 */
public record Attachment(int index, SelectedNetwork network, MacAddress mac, CniCall ipam, IpamResult result) {

  public InterfaceName ifName() {
    return ifName(index);
  }

  /** The guest's name of interface {@code index}; CNI_IFNAME of its IPAM calls. */
  public static InterfaceName ifName(int index) {
    return new InterfaceName("eth" + index);
  }

  public NetworkConfig config() {
    return network.config();
  }

  public Ipv4 podAddress() {
    return result.address().address();
  }

  /** The host's end: the IPAM gateway, else the first address of the subnet (host-local's own default). */
  public Ipv4 gateway() {
    return result.gateway().orElse(new Ipv4(result.address().network().address().bits() + 1));
  }

  /**
   * The routes the guest installs. On a ptp link only the host is on the other end: the gateway is reached on the
   * link, the rest of the subnet (other pods) through it, like CNI's ptp plugin sets up a container. On a bridge the
   * subnet is on the link (the kernel's prefix route).
   */
  public List<Route> guestRoutes() {
    List<Route> out = new ArrayList<>();
    if (config().isPtp()) {
      out.add(Route.onLink(Ipv4Net.host(gateway())));
      out.add(Route.via(result.address().network(), gateway()));
    }
    for (Route r : result.routes()) {
      out.add(new Route(r.destination(), Optional.of(r.via().orElse(gateway()))));
    }
    return out;
  }
}
