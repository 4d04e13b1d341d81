package io.stage1xen.host;

import io.stage1xen.outcome.Stage1Failure;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator asked for: a forced guest type, or automatic choice; {@code source} names where the request
 * came from (environment variable, pod annotation, host.conf) so that a refusal can say which setting to change.
 */
public record GuestTypeRequest(Optional<GuestType> forced, String source) {
  public static final GuestTypeRequest AUTO = new GuestTypeRequest(Optional.empty(), "no override");

  public GuestTypeRequest {
    Objects.requireNonNull(forced, "forced");
    Objects.requireNonNull(source, "source");
  }

  /** Parses {@code auto}, {@code pv} or {@code pvh}; {@code source} describes the setting for the error message. */
  public static GuestTypeRequest parse(String value, String source) {
    String v = value == null ? "" : value.strip();
    switch (v) {
      case "auto":
        return new GuestTypeRequest(Optional.empty(), source + "=auto");
      case "pv":
        return new GuestTypeRequest(Optional.of(GuestType.PV), source + "=pv");
      case "pvh":
        return new GuestTypeRequest(Optional.of(GuestType.PVH), source + "=pvh");
      default:
        throw new Stage1Failure(source + " has invalid value '" + value + "': expected auto, pv or pvh");
    }
  }
}
