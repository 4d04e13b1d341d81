package io.stage1xen.network;

import io.stage1xen.inet.InterfaceName;
import io.stage1xen.json.Json;
import io.stage1xen.json.JsonException;
import io.stage1xen.outcome.Stage1Failure;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One CNI network configuration (a {@code .conf} file of {@code <local-config>/net.d/} or a built-in network), read
 * the way rkt reads it: the fields stage1-xen acts on ({@link CniConfig}), and the whole configuration, passed on to
 * the IPAM plugin as it is.
 *
 * @param ipamInput what the IPAM plugin reads on stdin: the configuration in document order, with a CNI version
 *     when it names none
 * @param source the file it came from (for built-ins: the name of the built-in)
 */
public record NetworkConfig(String name, String type, boolean ipMasq, OptionalInt mtu, InterfaceName bridge,
    boolean isGateway, Optional<Dns> dns, String ipamInput, String source) {

  /** rkt's bridge name when a bridge network names none. */
  public static final InterfaceName DEFAULT_BRIDGE = new InterfaceName("rkt0");
  /** The CNI version asked of the IPAM plugin when the configuration names none. */
  public static final String DEFAULT_CNI_VERSION = "0.4.0";

  public boolean isPtp() {
    return type.equals("ptp");
  }

  /** Parses and checks one configuration; errors name the file, the field, the position and the value. */
  public static NetworkConfig parse(String text, String source) {
    try {
      CniConfig c = Json.read(text, source, CniConfig.class);
      String ipamInput = Json.withFieldFirst(text, source, "cniVersion", DEFAULT_CNI_VERSION);
      return new NetworkConfig(c.name(), c.type(), c.ipMasq(), c.mtu() == null ? OptionalInt.empty()
          : OptionalInt.of(c.mtu().intValue()), c.bridge().orElse(DEFAULT_BRIDGE), c.isGateway(), c.dns(), ipamInput, source);
    } catch (JsonException e) {
      throw new Stage1Failure(e.getMessage(), e);
    }
  }
}
