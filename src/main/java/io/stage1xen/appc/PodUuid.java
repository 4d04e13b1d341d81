package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** A pod UUID as rkt writes it: RFC 4122 text, canonical lower-case 8-4-4-4-12. It names the pod directory. */
public record PodUuid(String value) {
  private static final TextRule RULE = new TextRule("a pod UUID is required", "pod UUID",
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), 36,
      "lower-case 8-4-4-4-12 hex");

  public PodUuid {
    RULE.check(value);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static PodUuid of(String value) {
    return new PodUuid(value);
  }

  public static boolean isValid(String value) {
    return RULE.accepts(value);
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
