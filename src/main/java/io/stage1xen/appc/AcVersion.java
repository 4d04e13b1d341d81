package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** The {@code acVersion} of a manifest: a SemVer 2.0.0 string (rkt writes its own version, e.g. 1.30.0). */
public record AcVersion(String value) {
  private static final String NUM = "(0|[1-9][0-9]*)";
  private static final String IDENT = "(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
  private static final Pattern SEMVER = Pattern.compile(NUM + "\\." + NUM + "\\." + NUM
      + "(-" + IDENT + "(\\." + IDENT + ")*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");

  public AcVersion {
    if (value == null || value.isEmpty()) {
      throw InvalidValueException.withoutValue("", "acVersion is required");
    }
    if (value.length() > 128 || !SEMVER.matcher(value).matches()) {
      throw new InvalidValueException("", "invalid acVersion (SemVer 2.0.0, e.g. 1.30.0)", value);
    }
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static AcVersion of(String value) {
    return new AcVersion(value);
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
