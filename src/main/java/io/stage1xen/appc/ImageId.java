package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * An image ID, {@code sha512-<hex>}. rkt stores and writes only the first 64 hex digits, and any non-empty prefix
 * names an image, so 1 to 128 digits are accepted.
 */
public record ImageId(String value) {
  private static final TextRule RULE = new TextRule("an image ID is required", "image ID",
      Pattern.compile("sha512-[0-9a-f]{1,128}"), 135, "sha512- and 1 to 128 lower-case hex digits");

  public ImageId {
    RULE.check(value);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ImageId of(String value) {
    return new ImageId(value);
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
