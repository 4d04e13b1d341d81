package io.stage1xen.xen;

import io.stage1xen.inet.InterfaceName;
import io.stage1xen.inet.MacAddress;
import io.stage1xen.outcome.Stage1Failure;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * A network interface ({@code vif=}, see xl-network-configuration(5)). Every part is optional; xl's defaults
 * apply to what is absent (bridge {@code xenbr0}, script {@code vif-bridge}, a random MAC).
 */
public record Vif(Optional<MacAddress> mac, Optional<InterfaceName> bridge, Optional<String> ip,
    Optional<String> script, Optional<InterfaceName> vifname) {
  /** One or more IPv4/IPv6 addresses separated by single spaces, as xl's {@code ip=} takes them. */
  private static final Pattern IPS = Pattern.compile("[0-9a-fA-F.:]+( [0-9a-fA-F.:]+)*");

  public Vif {
    // a MAC and interface names are plain words by their own rules
    mac = mac == null ? Optional.empty() : mac;
    bridge = bridge == null ? Optional.empty() : bridge;
    vifname = vifname == null ? Optional.empty() : vifname;
    ip = check("vif ip", ip, IPS, "IP addresses separated by spaces");
    script = script == null ? Optional.empty() : script;
    script.ifPresent(s -> XlSyntax.specValue("vif script", s));
  }

  public static Vif bridged(InterfaceName bridge) {
    return new Vif(Optional.empty(), Optional.of(bridge), Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static Optional<String> check(String field, Optional<String> value, Pattern pattern, String expected) {
    if (value == null) {
      return Optional.empty();
    }
    value.ifPresent(v -> {
      XlSyntax.specValue(field, v);
      if (!pattern.matcher(v).matches()) {
        throw new Stage1Failure(field + ": value '" + XlSyntax.show(v) + "' is not " + expected);
      }
    });
    return value;
  }

  /** The device spec inside {@code vif=[ … ]}. */
  String spec() {
    StringJoiner j = new StringJoiner(",");
    mac.ifPresent(v -> j.add("mac=" + v));
    bridge.ifPresent(v -> j.add("bridge=" + v));
    ip.ifPresent(v -> j.add("ip=" + v));
    script.ifPresent(v -> j.add("script=" + v));
    vifname.ifPresent(v -> j.add("vifname=" + v));
    return j.toString();
  }
}
