package io.stage1xen.xen;

import io.stage1xen.outcome.Stage1Failure;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one operator line {@code key = value} (host.conf {@code extra =}, the {@code stage1-xen/xl-config}
 * annotation) into an {@link XlSetting}. The value is a decimal number, a double-quoted string (escapes {@code \\},
 * {@code \"}, {@code \n}, {@code \t}, {@code \r}) or a list of such strings in {@code [ ]}. It is parsed, not
 * copied: the rendered line is produced again by {@link XlSyntax}, so no operator text reaches xl.cfg verbatim.
 */
public final class XlSettingParser {
  private final String text;
  private final String source;
  private int pos;

  private XlSettingParser(String text, String source) {
    this.text = text;
    this.source = source;
  }

  public static XlSetting parse(String line, String source) {
    int eq = line.indexOf('=');
    if (eq < 0) {
      throw new Stage1Failure(source + ": expected 'key = value', got '" + XlSyntax.show(line) + "'");
    }
    String key = line.substring(0, eq).strip();
    XlSyntax.key(source, key);
    XlSettingParser p = new XlSettingParser(line.substring(eq + 1), source + " " + key);
    XlValue value = p.value();
    return new XlSetting(key, value, source);
  }

  private XlValue value() {
    skipBlanks();
    XlValue v;
    if (pos >= text.length()) {
      throw error("has no value");
    }
    char c = text.charAt(pos);
    if (c >= '0' && c <= '9') {
      int start = pos;
      while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
        pos++;
      }
      try {
        v = new XlValue.Number(Long.parseLong(text.substring(start, pos)));
      } catch (NumberFormatException e) {
        throw error("has a number too large");
      }
    } else if (c == '"') {
      v = new XlValue.Text(string());
    } else if (c == '[') {
      v = new XlValue.TextList(list());
    } else {
      throw error("must be a number, a \"quoted string\" or a [ \"list\" ]");
    }
    skipBlanks();
    if (pos != text.length()) {
      throw error("has text after the value: '" + XlSyntax.show(text.substring(pos)) + "'");
    }
    return v;
  }

  private List<String> list() {
    pos++;
    List<String> items = new ArrayList<>();
    while (true) {
      skipBlanks();
      if (pos < text.length() && text.charAt(pos) == ']') {
        pos++;
        return items;
      }
      if (pos >= text.length() || text.charAt(pos) != '"') {
        throw error("has a list whose items are not all \"quoted strings\"");
      }
      items.add(string());
      skipBlanks();
      if (pos < text.length() && text.charAt(pos) == ',') {
        pos++;
      } else if (pos >= text.length() || text.charAt(pos) != ']') {
        throw error("has a list without ',' between items or without its closing ']'");
      }
    }
  }

  private String string() {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= text.length()) {
        break;
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '\\', '"' -> sb.append(e);
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        default -> throw error("has the unsupported escape '\\" + e + "'");
      }
    }
    throw error("has a string without its closing '\"'");
  }

  private void skipBlanks() {
    while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private Stage1Failure error(String what) {
    return new Stage1Failure(source + ": value " + what);
  }
}
