package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * appc AC Name: app, volume, mount point and port names. Lower-case letters and digits in groups joined by single
 * dashes. These names become directory names (opt/stage2/&lt;app&gt;), so the grammar is also what keeps them safe.
 */
public record AcName(String value) implements Comparable<AcName> {
  /** A longer name could not be a directory name, so rkt could never have created such a pod. */
  public static final int MAX_LENGTH = 255;
  private static final TextRule RULE = new TextRule("an AC Name is required", "AC Name",
      Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*"), MAX_LENGTH, "lower-case letters and digits, groups joined by '-'");

  public AcName {
    RULE.check(value);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static AcName of(String value) {
    return new AcName(value);
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
  public int compareTo(AcName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
