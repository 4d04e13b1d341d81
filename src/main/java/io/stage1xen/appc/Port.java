package io.stage1xen.appc;

/**
 * A port an image exposes. {@code count} ports starting at {@code port}; a missing count means 1, as in appc.
 */
public record Port(AcName name, String protocol, int port, int count, boolean socketActivated) {
  public Port {
    if (name == null) {
      throw InvalidValueException.withoutValue("name", "is required");
    }
    protocol = ImmutableCopies.requireNoNul(protocol == null ? "" : protocol, "protocol");
    if (port < 1 || port > 65535) {
      throw new InvalidValueException("port", "must be in the range 1-65535", port);
    }
    if (count < 0) {
      throw new InvalidValueException("count", "must not be negative", count);
    }
    if (count == 0) {
      count = 1;
    }
    if ((long) port + count > 65536) {
      throw new InvalidValueException("count", "the port range ends above 65535", count);
    }
  }
}
