package io.stage1xen.xen;

import java.util.Objects;

/**
 * One operator-supplied xl.cfg line, {@code key = value}. {@code source} says where it came from (host.conf line,
 * pod annotation) so that a refusal names the setting to change.
 */
public record XlSetting(String key, XlValue value, String source) {
  public XlSetting {
    Objects.requireNonNull(source, "source");
    XlSyntax.key(source, key);
    Objects.requireNonNull(value, "value");
    value.render(source + " " + key);
  }

  public String render() {
    return key + " = " + value.render(source + " " + key);
  }
}
