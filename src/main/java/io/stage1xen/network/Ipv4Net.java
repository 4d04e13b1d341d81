package io.stage1xen.network;

/** An IPv4 address with a prefix length ({@code 172.16.28.2/24}): an interface address, a subnet or a route. */
public record Ipv4Net(Ipv4 address, int prefix) {
  public Ipv4Net {
    if (address == null) {
      throw new IllegalArgumentException("an address is required");
    }
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("prefix length " + prefix + " is outside 0..32");
    }
  }

  public static Ipv4Net parse(String text, String what) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0 || !text.substring(slash + 1).matches("[0-9]{1,2}")
        || Integer.parseInt(text.substring(slash + 1)) > 32) {
      throw new IllegalArgumentException(what + ": '" + text + "' is not an IPv4 prefix (a.b.c.d/n)");
    }
    return new Ipv4Net(Ipv4.parse(text.substring(0, slash), what), Integer.parseInt(text.substring(slash + 1)));
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

  @Override
  public String toString() {
    return address + "/" + prefix;
  }
}
