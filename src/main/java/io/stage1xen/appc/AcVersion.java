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

  private static final TextRule RULE = new TextRule("acVersion is required", "acVersion", SEMVER, 128,
      "SemVer 2.0.0, e.g. 1.30.0");

  public AcVersion {
    RULE.check(value);
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
