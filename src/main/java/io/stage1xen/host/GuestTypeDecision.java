package io.stage1xen.host;

import java.util.List;
import java.util.Objects;

/** The chosen guest type, how xl.cfg spells it on this Xen, why, and the facts the choice rested on. */
public record GuestTypeDecision(GuestType type, GuestTypeRendering rendering, String reason, List<String> facts) {

  public GuestTypeDecision {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(rendering, "rendering");
    Objects.requireNonNull(reason, "reason");
    facts = List.copyOf(facts);
    if (rendering.type() != type) {
      throw new IllegalArgumentException(rendering + " does not render guest type " + type);
    }
  }

  /** One line for --debug. */
  public String describe() {
    return "guest type " + type + " (" + rendering + "): " + reason + " [" + String.join("; ", facts) + "]";
  }
}
