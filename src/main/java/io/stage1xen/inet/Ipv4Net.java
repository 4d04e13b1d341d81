package io.stage1xen.inet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.stage1xen.json.ValueException;
import io.stage1xen.outcome.Stage1Failure;
import java.util.regex.Pattern;

/** An IPv4 address with a prefix length ({@code 172.16.28.2/24}): an interface address, a subnet or a route. */
public record Ipv4Net(Ipv4 address, int prefix) {
  /** The address, '/', and a prefix length of 0 to 32 without leading zeros. */
  public static final Pattern PATTERN = Pattern.compile(Ipv4.PATTERN.pattern() + "/(3[0-2]|[12]?[0-9])");
  private static final String SHAPE = Ipv4.SHAPE + "/n";

  public Ipv4Net {
    if (address == null) {
      throw new Stage1Failure("an address is required");
    }
    if (prefix < 0 || prefix > 32) {
      throw new Stage1Failure("prefix length " + prefix + " is outside 0..32");
    }
  }

  /** @param what names the value in the message, e.g. {@code routes.dst} */
  public static Ipv4Net parse(String text, String what) {
    try {
      return of(text);
    } catch (ValueException e) {
      throw e.under(what);
    }
  }

  /** Bound from JSON this way: a value that is not {@code a.b.c.d/n} fails naming its field. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Ipv4Net of(String text) {
    if (!isValid(text)) {
      throw new ValueException("", "is not an IPv4 prefix (" + SHAPE + ")", text);
    }
    int slash = text.indexOf('/');
    return new Ipv4Net(Ipv4.of(text.substring(0, slash)), Integer.parseInt(text.substring(slash + 1)));
  }

  public static boolean isValid(String text) {
    return text != null && PATTERN.matcher(text).matches();
  }

  public static Ipv4Net host(Ipv4 address) {
    return new Ipv4Net(address, 32);
  }

  /** The network this address is in ({@code 172.16.28.0/24} for {@code 172.16.28.2/24}). */
  public Ipv4Net network() {
    return new Ipv4Net(new Ipv4(address.bits() & Ipv4.mask(prefix).bits()), prefix);
  }

  public boolean contains(Ipv4 other) {
    int mask = Ipv4.mask(prefix).bits();
    return (address.bits() & mask) == (other.bits() & mask);
  }

  @JsonValue
  @Override
  public String toString() {
    return address + "/" + prefix;
  }
}
