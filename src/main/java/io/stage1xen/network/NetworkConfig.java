package io.stage1xen.network;

import io.stage1xen.appc.AppcJson;
import io.stage1xen.appc.InvalidManifestException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One CNI network configuration (a {@code .conf} file of {@code <local-config>/net.d/} or a built-in network), read
 * the way rkt reads it. Only the types a VM can be attached to are accepted: {@code ptp} (a routed point-to-point
 * link, the vif in dom0 is the host end) and {@code bridge} (the vif joins a Linux bridge). Addresses always come
 * from the {@code host-local} IPAM plugin.
 *
 * @param json the configuration as parsed, in document order: what the IPAM plugin gets on stdin
 * @param source the file it came from (for built-ins: the name of the built-in)
 */
public record NetworkConfig(String name, String type, boolean ipMasq, OptionalInt mtu, String bridge,
    boolean isGateway, Optional<Dns> dns, Map<String, Object> json, String source) {

  public static final Set<String> TYPES = Set.of("ptp", "bridge");
  public static final String IPAM_TYPE = "host-local";
  /** rkt's bridge name when a bridge network names none. */
  public static final String DEFAULT_BRIDGE = "rkt0";
  /** The CNI version asked of the IPAM plugin when the configuration names none. */
  public static final String DEFAULT_CNI_VERSION = "0.4.0";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

  public NetworkConfig {
    json = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(json));
  }

  public boolean isPtp() {
    return type.equals("ptp");
  }

  /** Parses and checks one configuration; errors name the file, the field and the value. */
  public static NetworkConfig parse(String text, String source) {
    Object parsed;
    try {
      parsed = AppcJson.readPlain(text, source);
    } catch (InvalidManifestException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> raw)) {
      throw new IllegalArgumentException(source + ": expected a JSON object");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    raw.forEach((k, v) -> map.put((String) k, v));
    String name = string(map, "name", source).orElseThrow(() -> bad(source, "name", "is required", null));
    if (!NAME.matcher(name).matches()) {
      throw bad(source, "name", "is not a network name " + NAME.pattern(), name);
    }
    String type = string(map, "type", source).orElseThrow(() -> bad(source, "type", "is required", null));
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException(source + ": type: network '" + name + "' has type '" + type
          + "', which stage1-xen cannot attach to a pod VM (supported: bridge, ptp)");
    }
    Object ipam = map.get("ipam");
    if (!(ipam instanceof Map<?, ?> ipamMap)) {
      throw bad(source, "ipam", "is required (an object with \"type\": \"host-local\")", null);
    }
    Object ipamType = ipamMap.get("type");
    if (!IPAM_TYPE.equals(ipamType)) {
      throw new IllegalArgumentException(source + ": ipam.type: network '" + name + "' uses IPAM '" + ipamType
          + "', but stage1-xen allocates addresses with host-local only");
    }
    string(map, "cniVersion", source);
    boolean ipMasq = bool(map, "ipMasq", source);
    boolean isGateway = bool(map, "isGateway", source);
    OptionalInt mtu = OptionalInt.empty();
    Object m = map.get("mtu");
    if (m != null) {
      if (!(m instanceof Integer i) || i < 68 || i > 65535) {
        throw bad(source, "mtu", "must be an integer between 68 and 65535", String.valueOf(m));
      }
      mtu = OptionalInt.of(i);
    }
    String bridge = string(map, "bridge", source).orElse(DEFAULT_BRIDGE);
    if (!IFNAME.matcher(bridge).matches()) {
      throw bad(source, "bridge", "is not a Linux interface name " + IFNAME.pattern(), bridge);
    }
    Optional<Dns> dns = Optional.empty();
    if (map.get("dns") != null) {
      dns = Optional.of(Dns.fromJson(map.get("dns"), source + ": dns")).filter(d -> !d.isEmpty());
    }
    return new NetworkConfig(name, type, ipMasq, mtu, bridge, isGateway, dns, map, source);
  }

  /** What the IPAM plugin reads on stdin: this configuration, with a CNI version when it names none. */
  public String ipamInput() {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("cniVersion", json.getOrDefault("cniVersion", DEFAULT_CNI_VERSION));
    json.forEach((k, v) -> {
      if (!k.equals("cniVersion")) {
        in.put(k, v);
      }
    });
    return AppcJson.writePlain(in);
  }

  private static Optional<String> string(Map<String, Object> map, String key, String source) {
    Object v = map.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s) || s.isEmpty()) {
      throw bad(source, key, "must be a non-empty string", String.valueOf(v));
    }
    return Optional.of(s);
  }

  private static boolean bool(Map<String, Object> map, String key, String source) {
    Object v = map.get(key);
    if (v == null) {
      return false;
    }
    if (!(v instanceof Boolean b)) {
      throw bad(source, key, "must be true or false", String.valueOf(v));
    }
    return b;
  }

  private static IllegalArgumentException bad(String source, String field, String problem, String value) {
    return new IllegalArgumentException(source + ": " + field + ": " + problem
        + (value == null ? "" : " (value '" + value + "')"));
  }
}
