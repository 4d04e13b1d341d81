package io.stage1xen.xen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader for xl.cfg in test code, written from libxlu's lexer rules (keys {@code [a-z][_0-9a-z]*}, numbers,
 * double-quoted strings with the escapes xl understands, lists, {@code #} comments, {@code ;} or newline between
 * settings) and stricter than xl where stage1-xen must never depend on a quirk: it refuses {@code \x}/octal escapes
 * (xl rejects or drops them), single-quoted strings, {@code +=}, a raw newline in a string, and a repeated key
 * (xl silently keeps the last).
 */
final class XlCfgReader {
  /** A parsed value: a String, a number's text (as {@link Num}), or a List of Strings. */
  record Num(String text) {}

  private final String s;
  private int pos;

  private XlCfgReader(String s) {
    this.s = s;
  }

  /** Settings in file order. Throws IllegalStateException on anything xl would not read as intended. */
  static Map<String, Object> read(String text) {
    XlCfgReader r = new XlCfgReader(text);
    Map<String, Object> out = new LinkedHashMap<>();
    while (true) {
      r.skipBlanksAndComments();
      if (r.pos >= r.s.length()) {
        return out;
      }
      char c = r.s.charAt(r.pos);
      if (c == '\n' || c == ';') {
        r.pos++;
        continue;
      }
      String key = r.ident();
      r.skipBlanks();
      r.expect('=');
      r.skipBlanks();
      Object value = r.value(true);
      if (out.put(key, value) != null) {
        throw new IllegalStateException("key '" + key + "' repeated");
      }
      r.skipBlanksAndComments();
      if (r.pos < r.s.length() && r.s.charAt(r.pos) != '\n' && r.s.charAt(r.pos) != ';') {
        throw new IllegalStateException("junk after value of " + key + " at " + r.pos);
      }
    }
  }

  /** A device spec as libxl splits it: on ',' (empty parts dropped), at the first '=', blanks trimmed. */
  static Map<String, String> spec(String spec) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new IllegalStateException("spec part without '=': " + part);
      }
      if (out.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip()) != null) {
        throw new IllegalStateException("spec key repeated: " + part);
      }
    }
    return out;
  }

  private String ident() {
    int start = pos;
    if (pos < s.length() && s.charAt(pos) >= 'a' && s.charAt(pos) <= 'z') {
      pos++;
      while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '_'
          || (s.charAt(pos) >= 'a' && s.charAt(pos) <= 'z'))) {
        pos++;
      }
    }
    if (pos == start) {
      throw new IllegalStateException("expected a key at " + pos);
    }
    return s.substring(start, pos);
  }

  private Object value(boolean listAllowed) {
    if (pos >= s.length()) {
      throw new IllegalStateException("missing value");
    }
    char c = s.charAt(pos);
    if (c == '"') {
      return string();
    }
    if (c >= '0' && c <= '9') {
      int start = pos;
      while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || "abcdefx".indexOf(s.charAt(pos)) >= 0)) {
        pos++;
      }
      return new Num(s.substring(start, pos));
    }
    if (c == '[' && listAllowed) {
      pos++;
      List<Object> items = new ArrayList<>();
      while (true) {
        skipBlanksNewlinesComments();
        if (pos < s.length() && s.charAt(pos) == ']') {
          pos++;
          return items;
        }
        items.add(value(false));
        skipBlanksNewlinesComments();
        if (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
        } else if (pos >= s.length() || s.charAt(pos) != ']') {
          throw new IllegalStateException("list not closed at " + pos);
        }
      }
    }
    throw new IllegalStateException("unexpected '" + c + "' at " + pos);
  }

  private String string() {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < s.length()) {
      char c = s.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c == '\n') {
        throw new IllegalStateException("raw newline in a string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"', '\'', '\\' -> sb.append(e);
        case 'a' -> sb.append('\007');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'v' -> sb.append('\013');
        default -> throw new IllegalStateException("escape \\" + e + " xl does not read as written");
      }
    }
    throw new IllegalStateException("unterminated string");
  }

  private void expect(char c) {
    if (pos >= s.length() || s.charAt(pos) != c) {
      throw new IllegalStateException("expected '" + c + "' at " + pos);
    }
    pos++;
  }

  private void skipBlanks() {
    while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private void skipBlanksAndComments() {
    skipBlanks();
    if (pos < s.length() && s.charAt(pos) == '#') {
      while (pos < s.length() && s.charAt(pos) != '\n') {
        pos++;
      }
    }
  }

  private void skipBlanksNewlinesComments() {
    while (true) {
      skipBlanksAndComments();
      if (pos < s.length() && s.charAt(pos) == '\n') {
        pos++;
      } else {
        return;
      }
    }
  }
}
