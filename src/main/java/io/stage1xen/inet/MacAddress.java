package io.stage1xen.inet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.stage1xen.json.ValueException;
import java.util.regex.Pattern;

/**
 * An Ethernet MAC address as xl, tc and the guest are given it: six lower-case hex pairs separated by ':'. One
 * spelling only, so that the same address always compares and renders the same way on every side.
 */
public record MacAddress(String value) {
  public static final Pattern PATTERN = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

  public MacAddress {
    if (value == null || !PATTERN.matcher(value).matches()) {
      throw new ValueException("", "is not a MAC address (six lower-case hex pairs separated by ':')", value);
    }
  }

  /** @param what names the value in the message, e.g. {@code vif mac} */
  public static MacAddress parse(String text, String what) {
    try {
      return new MacAddress(text);
    } catch (ValueException e) {
      throw e.under(what);
    }
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static MacAddress of(String text) {
    return new MacAddress(text);
  }

  @JsonValue
  @Override
  public String toString() {
    return value;
  }
}
