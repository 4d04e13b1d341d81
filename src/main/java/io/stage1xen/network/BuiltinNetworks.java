package io.stage1xen.network;

import java.util.Map;

/**
 * rkt's two built-in networks, with rkt's names, subnets and semantics: {@code default} gives the pod a private
 * address, a default route through the host and outbound NAT; {@code default-restricted} a host-only address.
 * A configuration of the same name in {@code <local-config>/net.d/} replaces them, as in rkt.
 */
final class BuiltinNetworks {
  static final String DEFAULT = "default";
  static final String RESTRICTED = "default-restricted";
  private static final Map<String, String> CONFIGS = Map.of(
      DEFAULT, """
          {"cniVersion":"0.1.0","name":"default","type":"ptp","ipMasq":true,\
          "ipam":{"type":"host-local","subnet":"172.16.28.0/24","routes":[{"dst":"0.0.0.0/0"}]}}""",
      RESTRICTED, """
          {"cniVersion":"0.1.0","name":"default-restricted","type":"ptp","ipMasq":false,\
          "ipam":{"type":"host-local","subnet":"172.17.0.0/16"}}""");

  private BuiltinNetworks() {}

  static NetworkConfig config(String name) {
    return NetworkConfig.parse(CONFIGS.get(name), "built-in network " + name);
  }

  static String text(String name) {
    return CONFIGS.get(name) + "\n";
  }
}
