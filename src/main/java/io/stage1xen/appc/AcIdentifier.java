package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** appc AC Identifier: image names and label, annotation and isolator names, such as {@code example.com/hello}. */
public record AcIdentifier(String value) implements Comparable<AcIdentifier> {
  public static final int MAX_LENGTH = 512;
  private static final TextRule RULE = new TextRule("an AC Identifier is required", "AC Identifier",
      Pattern.compile("[a-z0-9]+([-._~/][a-z0-9]+)*"), MAX_LENGTH,
      "lower-case letters and digits, groups joined by one of - . _ ~ /");

  public AcIdentifier {
    RULE.check(value);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static AcIdentifier of(String value) {
    return new AcIdentifier(value);
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @Override
  public int compareTo(AcIdentifier other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
