package io.stage1xen.xen;

import io.stage1xen.outcome.Stage1Failure;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one place where values become xl.cfg text. Everything rendered into a domain config passes through
 * {@link #quote}, and everything placed inside a device spec ({@code p9=}, {@code vif=}, {@code channel=}) passes
 * through {@link #specValue} first.
 *
 * <p>Facts this rests on (libxlu's lexer, checked against xl 4.17.7 with {@code xl create -n}): a double-quoted
 * string may hold any byte but a raw newline; {@code \\}, {@code \"}, {@code \n}, {@code \t} and {@code \r} are
 * understood; {@code \xHH} is rejected by the lexer and octal escapes are silently dropped, so neither is ever
 * written. Other control characters would have to go in raw, which xl accepts but no person can read, so they
 * are refused, as are NUL (C strings) and unpaired UTF-16 surrogates (not encodable as UTF-8). Device specs are
 * split on {@code ,} and at the first {@code =}, with surrounding blanks trimmed, after unquoting: a value with a
 * comma, a newline or leading/trailing blanks cannot be said there at all.
 */
public final class XlSyntax {
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*");
  private static final int SHOW_LIMIT = 120;
  private static final int LIST_WIDTH = 80;

  private XlSyntax() {}

  /** {@code value} as an xl.cfg double-quoted string; {@code field} names it in the error. */
  public static String quote(String field, String value) {
    requireText(field, value);
    StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            throw invalid(field, value, "contains the control character U+" + hex(c)
                + ", which xl.cfg cannot carry readably");
          }
          sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Checks a value that goes inside a comma-separated device spec and returns it unchanged. Refuses what the spec
   * syntax cannot hold ({@code ,} {@code =}, control characters, leading or trailing blanks, empty) and quotes and
   * backslashes, which would only survive thanks to the outer quoting.
   */
  public static String specValue(String field, String value) {
    requireText(field, value);
    if (value.isEmpty()) {
      throw invalid(field, value, "is empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ',' || c == '=' || c == '"' || c == '\'' || c == '\\') {
        throw invalid(field, value, "contains '" + c + "', which cannot be written inside an xl device spec");
      }
      if (c < 0x20 || c == 0x7f) {
        throw invalid(field, value, "contains the control character U+" + hex(c)
            + ", which cannot be written inside an xl device spec");
      }
    }
    if (Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1))) {
      throw invalid(field, value, "starts or ends with a blank, which xl strips inside a device spec");
    }
    return value;
  }

  /** An xl.cfg key as its lexer accepts it: lower-case letter first, then lower-case letters, digits, '_'. */
  public static String key(String field, String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new Stage1Failure(field + ": '" + show(key) + "' is not an xl.cfg key (expected "
          + KEY.pattern() + ")");
    }
    return key;
  }

  /**
   * A list of quoted strings, the form of {@code p9=}, {@code vif=}, {@code channel=} and list-valued keys. Long lists
   * get one item per line (xl allows newlines after {@code [} and after items) so that a person can read them.
   */
  public static String list(String field, List<String> items) {
    List<String> quoted = new ArrayList<>(items.size());
    int width = 0;
    for (int i = 0; i < items.size(); i++) {
      String q = quote(field + "[" + i + "]", items.get(i));
      quoted.add(q);
      width += q.length() + 2;
    }
    if (quoted.isEmpty()) {
      return "[]";
    }
    if (width <= LIST_WIDTH) {
      return "[ " + String.join(", ", quoted) + " ]";
    }
    return "[\n    " + String.join(",\n    ", quoted) + "\n    ]";
  }

  /** A value made printable and short for an error message: escapes control characters, cuts long text. */
  public static String show(String value) {
    if (value == null) {
      return "(null)";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length() && sb.length() < SHOW_LIMIT; i++) {
      char c = value.charAt(i);
      if (c == '\n') {
        sb.append("\\n");
      } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
        sb.append("\\u").append(hex(c));
      } else if (c == '\\') {
        sb.append("\\\\");
      } else {
        sb.append(c);
      }
    }
    return sb.length() >= SHOW_LIMIT ? sb + "…(" + value.length() + " chars)" : sb.toString();
  }

  private static void requireText(String field, String value) {
    if (value == null) {
      throw new Stage1Failure(field + " is missing");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        throw invalid(field, value, "contains a NUL character");
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw invalid(field, value, "is not valid Unicode (unpaired surrogate U+" + hex(c) + ")");
      }
    }
  }

  private static Stage1Failure invalid(String field, String value, String why) {
    return new Stage1Failure(field + ": value '" + show(value) + "' " + why);
  }

  private static String hex(char c) {
    return String.format("%04X", (int) c);
  }
}
