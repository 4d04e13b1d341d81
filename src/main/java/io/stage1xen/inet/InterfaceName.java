package io.stage1xen.inet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.stage1xen.json.ValueException;
import java.util.regex.Pattern;

/**
 * A Linux network interface name (a bridge, a vif in dom0, an interface in the guest): 1 to 15 characters (the
 * kernel's IFNAMSIZ less the NUL) of letters, digits, '_', '.' and '-', so that it is one word in every command line
 * and config file it reaches.
 */
public record InterfaceName(String value) {
  public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

  public InterfaceName {
    if (value == null || !PATTERN.matcher(value).matches()) {
      throw new ValueException("", "is not a Linux interface name (1 to 15 of A-Z a-z 0-9 _ . -)", value);
    }
  }

  /** @param what names the value in the message, e.g. {@code vif bridge} */
  public static InterfaceName parse(String text, String what) {
    try {
      return new InterfaceName(text);
    } catch (ValueException e) {
      throw e.under(what);
    }
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static InterfaceName of(String text) {
    return new InterfaceName(text);
  }

  @JsonValue
  @Override
  public String toString() {
    return value;
  }
}
