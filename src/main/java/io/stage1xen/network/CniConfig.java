package io.stage1xen.network;

import io.stage1xen.inet.InterfaceName;
import io.stage1xen.json.ValueException;
import io.stage1xen.pod.NetworkRequest;
import java.util.Optional;
import java.util.Set;

/**
 * A CNI network configuration ({@code <local-config>/net.d/*.conf} or a built-in) as JSON, as far as stage1-xen reads
 * it; the IPAM plugin gets the whole text. Only the types a VM can be attached to are accepted: {@code ptp} and
 * {@code bridge}; addresses always come from {@code host-local}. Fields missing from the file are null here (false
 * for the flags), and every rule fails naming its field and value.
 */
public record CniConfig(String cniVersion, String name, String type, boolean ipMasq, boolean isGateway, Number mtu,
    Optional<InterfaceName> bridge, Ipam ipam, Optional<Dns> dns) {
  public static final Set<String> TYPES = Set.of("ptp", "bridge");
  public static final String IPAM_TYPE = "host-local";

  /** The {@code ipam} object: only its type is read here. */
  public record Ipam(String type) {}

  public CniConfig {
    if (name == null) {
      throw ValueException.withoutValue("name", "is required");
    }
    if (!NetworkRequest.NAME.matcher(name).matches()) {
      throw new ValueException("name", "is not a network name " + NetworkRequest.NAME.pattern(), name);
    }
    if (type == null) {
      throw ValueException.withoutValue("type", "is required");
    }
    if (!TYPES.contains(type)) {
      throw ValueException.withoutValue("type", "network '" + name + "' has type '" + type
          + "', which stage1-xen cannot attach to a pod VM (supported: bridge, ptp)");
    }
    if (ipam == null) {
      throw ValueException.withoutValue("ipam", "is required (an object with \"type\": \"" + IPAM_TYPE + "\")");
    }
    if (!IPAM_TYPE.equals(ipam.type())) {
      throw ValueException.withoutValue("ipam.type", "network '" + name + "' uses IPAM '"
          + ipam.type() + "', but stage1-xen allocates addresses with host-local only");
    }
    if (cniVersion != null && cniVersion.isEmpty()) {
      throw new ValueException("cniVersion", "must be a non-empty string", cniVersion);
    }
    // bound as a Number so that 1500.5 is refused, not truncated (Go's json refuses it for an int)
    if (mtu != null && !(mtu instanceof Integer i && i >= 68 && i <= 65535)) {
      throw new ValueException("mtu", "must be an integer between 68 and 65535", mtu);
    }
    bridge = bridge == null ? Optional.empty() : bridge;
    dns = dns == null ? Optional.empty() : dns.filter(d -> !d.isEmpty());
  }
}
