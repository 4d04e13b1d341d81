package io.stage1xen.json;

import io.stage1xen.outcome.Stage1Failure;
import java.util.Collection;
import java.util.Map;

/**
 * A value breaks a rule of the record that reads it. Thrown by validating constructors of records that {@link Json}
 * binds; {@link Json} turns it into a {@link JsonException} that also names the source, the JSON path and the
 * position.
 *
 * <p>{@code field} is the path of the offending value relative to the object that threw (empty when the value itself
 * is the offender, {@code "[2].name"} for the name of the third element of a list).
 */
public class ValueException extends Stage1Failure {
  private static final long serialVersionUID = 1L;
  private static final int MAX_RENDERED = 120;

  private final String field;
  private final String problem;
  private final String renderedValue;

  /** A value already rendered for a message (see {@link #render}); a null {@code Shown} means no value. */
  protected record Shown(String text) {
    public Shown {}
  }

  protected ValueException(String field, String problem, Shown shown) {
    super(compose(field, problem, shown == null ? null : shown.text()));
    this.field = field;
    this.problem = problem;
    this.renderedValue = shown == null ? null : shown.text();
  }

  /** A problem with an offending value, which is rendered safely (quoted, escaped, truncated). */
  public ValueException(String field, String problem, Object value) {
    this(field, problem, new Shown(render(value)));
  }

  /** A problem without a value to show, such as a missing field. */
  public static ValueException withoutValue(String field, String problem) {
    return new ValueException(field, problem, (Shown) null);
  }

  /**
   * The same problem seen from the enclosing object, whose field {@code parent} holds the offending value (or, for a
   * value checked outside JSON, named by {@code parent}: {@code "vif mac"}).
   */
  public ValueException under(String parent) {
    return new ValueException(join(parent, field), problem, renderedValue == null ? null : new Shown(renderedValue));
  }

  public String field() {
    return field;
  }

  public String problem() {
    return problem;
  }

  /** The offending value as shown in messages, or null when there is none. */
  public String renderedValue() {
    return renderedValue;
  }

  /** Joins two relative JSON paths: {@code join("apps", "[1].name")} is {@code apps[1].name}. */
  public static String join(String parent, String child) {
    if (parent == null || parent.isEmpty()) {
      return child == null ? "" : child;
    }
    if (child == null || child.isEmpty()) {
      return parent;
    }
    return child.startsWith("[") ? parent + child : parent + "." + child;
  }

  /**
   * Renders a value for a one-line message: strings JSON-quoted with every control character escaped (so hostile
   * values can neither break the line nor fake output), long values truncated.
   */
  public static String render(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof CharSequence s) {
      return quote(s.toString());
    }
    if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
      return quote(value.toString());
    }
    return truncate(escape(String.valueOf(value)));
  }

  /** A JSON literal (number, boolean) as written, escaped and truncated but not quoted. */
  public static String literal(String s) {
    return truncate(escape(s));
  }

  public static String quote(String s) {
    return truncate("\"" + escape(s) + "\"");
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_RENDERED * 2) + 8);
    for (int i = 0; i < s.length() && sb.length() <= MAX_RENDERED * 2; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }

  private static String truncate(String s) {
    return s.length() <= MAX_RENDERED ? s : s.substring(0, MAX_RENDERED) + "…(" + s.length() + " characters)";
  }

  private static String compose(String field, String problem, String renderedValue) {
    String where = field == null || field.isEmpty() ? "" : field + ": ";
    return where + problem + (renderedValue == null ? "" : ": " + renderedValue);
  }
}
