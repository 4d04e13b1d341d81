package io.stage1xen.network;

import java.util.regex.Pattern;

/** An IPv4 address; text is only ever the dotted quad (no names are resolved, no other forms are accepted). */
public record Ipv4(int bits) {
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern QUAD = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");

  public static Ipv4 parse(String text, String what) {
    if (text == null || !QUAD.matcher(text).matches()) {
      throw new IllegalArgumentException(what + ": '" + text + "' is not an IPv4 address (a.b.c.d)");
    }
    int v = 0;
    for (String part : text.split("\\.")) {
      v = (v << 8) | Integer.parseInt(part);
    }
    return new Ipv4(v);
  }

  public static boolean isIpv4(String text) {
    return text != null && QUAD.matcher(text).matches();
  }

  /** The netmask of a prefix length as an address (rkt writes net-info.json's mask this way). */
  public static Ipv4 mask(int prefix) {
    return new Ipv4(prefix == 0 ? 0 : -1 << (32 - prefix));
  }

  @Override
  public String toString() {
    return ((bits >>> 24) & 0xFF) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
  }
}
