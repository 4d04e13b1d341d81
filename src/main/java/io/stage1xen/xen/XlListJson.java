package io.stage1xen.xen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code xl list -l}'s JSON: an array with one object per domain, holding {@code domid},
 * {@code config.c_info.name}, {@code config.c_info.type} and {@code config.b_info.max_memkb}. A small strict JSON
 * reader (objects, arrays, strings with escapes, numbers, literals) is enough for this one document; the
 * project's JSON library lives in another package and this package does not depend on it.
 */
public final class XlListJson implements DomainListDecoder {

  @Override
  public List<DomainSummary> decode(String json) throws XlException {
    Object root;
    try {
      root = tree(json);
    } catch (IllegalArgumentException e) {
      throw new XlException("'xl list -l' printed JSON that cannot be read: " + e.getMessage());
    }
    if (!(root instanceof List<?> domains)) {
      throw new XlException("'xl list -l' printed JSON that is not an array");
    }
    List<DomainSummary> out = new ArrayList<>();
    for (Object d : domains) {
      Object domid = path(d, "domid");
      Object name = path(d, "config", "c_info", "name");
      if (!(domid instanceof Long id) || !(name instanceof String n)) {
        throw new XlException("'xl list -l' printed a domain without domid or config.c_info.name");
      }
      Object kib = path(d, "config", "b_info", "max_memkb");
      Object type = path(d, "config", "c_info", "type");
      out.add(new DomainSummary(Math.toIntExact(id), n, kib instanceof Long k ? k / 1024 : 0,
          type instanceof String t ? Optional.of(t) : Optional.empty()));
    }
    return out;
  }

  /** The JSON tree (Map, List, String, Long, Double, Boolean, null) of any document xl printed. */
  static Object tree(String json) {
    return new Reader(json).document();
  }

  static Object path(Object node, String... keys) {
    Object cur = node;
    for (String k : keys) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(k);
    }
    return cur;
  }

  /** A strict reader for one JSON document; numbers become Long when integral, else Double. */
  private static final class Reader {
    private final String s;
    private int pos;

    Reader(String s) {
      this.s = s;
    }

    Object document() {
      Object v = value(0);
      blanks();
      if (pos != s.length()) {
        throw new IllegalArgumentException("text after the JSON value at offset " + pos);
      }
      return v;
    }

    private Object value(int depth) {
      if (depth > 64) {
        throw new IllegalArgumentException("nesting deeper than 64");
      }
      blanks();
      if (pos >= s.length()) {
        throw new IllegalArgumentException("unexpected end");
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{': {
          pos++;
          Map<String, Object> m = new LinkedHashMap<>();
          blanks();
          if (peek('}')) {
            return m;
          }
          do {
            blanks();
            String k = string();
            blanks();
            expect(':');
            m.put(k, value(depth + 1));
            blanks();
          } while (peek(','));
          expect('}');
          return m;
        }
        case '[': {
          pos++;
          List<Object> l = new ArrayList<>();
          blanks();
          if (peek(']')) {
            return l;
          }
          do {
            l.add(value(depth + 1));
            blanks();
          } while (peek(','));
          expect(']');
          return l;
        }
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          return number();
      }
    }

    private Object number() {
      int start = pos;
      while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
      String t = s.substring(start, pos);
      if (t.isEmpty()) {
        throw new IllegalArgumentException("unexpected '" + s.charAt(start) + "' at offset " + start);
      }
      try {
        return t.matches("-?\\d{1,18}") ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad number '" + t + "' at offset " + start);
      }
    }

    private Object literal(String word, Object value) {
      if (!s.startsWith(word, pos)) {
        throw new IllegalArgumentException("unexpected text at offset " + pos);
      }
      pos += word.length();
      return value;
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        if (pos >= s.length()) {
          break;
        }
        char e = s.charAt(pos++);
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw new IllegalArgumentException("short \\u escape");
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw new IllegalArgumentException("bad \\u escape at offset " + pos);
            }
            pos += 4;
          }
          default -> throw new IllegalArgumentException("bad escape \\" + e + " at offset " + (pos - 1));
        }
      }
      throw new IllegalArgumentException("unterminated string");
    }

    private void blanks() {
      while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
    }

    private boolean peek(char c) {
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw new IllegalArgumentException("expected '" + c + "' at offset " + pos);
      }
    }
  }
}
