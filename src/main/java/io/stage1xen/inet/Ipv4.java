package io.stage1xen.inet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.stage1xen.json.ValueException;
import java.util.regex.Pattern;

/** An IPv4 address; text is only ever the dotted quad (no names are resolved, no other forms are accepted). */
public record Ipv4(int bits) {
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  /** The dotted quad, each octet without leading zeros (which some parsers would read as octal). */
  public static final Pattern PATTERN = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
  static final String SHAPE = "a.b.c.d";

  /** @param what names the value in the message, e.g. {@code ports[0].hostIP} */
  public static Ipv4 parse(String text, String what) {
    try {
      return of(text);
    } catch (ValueException e) {
      throw e.under(what);
    }
  }

  /** Bound from JSON this way: a value that is not a dotted quad fails naming its field. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Ipv4 of(String text) {
    if (!isIpv4(text)) {
      throw new ValueException("", "is not an IPv4 address (" + SHAPE + ")", text);
    }
    int v = 0;
    for (String part : text.split("\\.")) {
      v = (v << 8) | Integer.parseInt(part);
    }
    return new Ipv4(v);
  }

  public static boolean isIpv4(String text) {
    return text != null && PATTERN.matcher(text).matches();
  }

  /** The netmask of a prefix length as an address (rkt writes net-info.json's mask this way). */
  public static Ipv4 mask(int prefix) {
    return new Ipv4(prefix == 0 ? 0 : -1 << (32 - prefix));
  }

  @JsonValue
  @Override
  public String toString() {
    return ((bits >>> 24) & 0xFF) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
  }
}
