package io.stage1xen.guest;

import io.stage1xen.outcome.Stage1Failure;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules for text crossing between host and guest: every string of a plan before it goes to the guest, and
 * ({@link #printable}) every guest text before a person sees it. Messages are one line.
 */
final class PlanChecks {
  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z_0-9.-]*");
  static final Pattern APP_NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  static final Pattern SHARE_TAG = Pattern.compile("[A-Za-z0-9_.-]{1,31}");
  static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,62}[A-Za-z0-9])?");

  private PlanChecks() {}

  /** Any text: not null, no NUL (the guest passes it to C), valid Unicode (it travels as UTF-8). */
  static String text(String what, String value) {
    if (value == null) {
      throw new Stage1Failure(what + " is missing");
    }
    if (value.indexOf('\0') >= 0) {
      throw new Stage1Failure(what + " contains a NUL byte: " + show(value));
    }
    utf8(what, value);
    return value;
  }

  static String nonEmpty(String what, String value) {
    text(what, value);
    if (value.isEmpty()) {
      throw new Stage1Failure(what + " is empty");
    }
    return value;
  }

  static String absolutePath(String what, String value) {
    text(what, value);
    if (!value.startsWith("/")) {
      throw new Stage1Failure(what + " must be an absolute path: " + show(value));
    }
    return value;
  }

  static String matching(String what, String value, Pattern pattern) {
    text(what, value);
    if (!pattern.matcher(value).matches()) {
      throw new Stage1Failure(what + " " + show(value) + " does not match " + pattern.pattern());
    }
    return value;
  }

  static String envEntry(String what, String value) {
    text(what, value);
    int eq = value.indexOf('=');
    if (eq <= 0 || !ENV_NAME.matcher(value.substring(0, eq)).matches()) {
      throw new Stage1Failure(what + " must be NAME=value with NAME matching " + ENV_NAME.pattern()
          + ": " + show(value));
    }
    return value;
  }

  static List<String> args(String what, List<String> args) {
    if (args == null || args.isEmpty()) {
      throw new Stage1Failure(what + " needs at least one argument (the program)");
    }
    List<String> copy = List.copyOf(args);
    for (int i = 0; i < copy.size(); i++) {
      text(what + " argument " + i, copy.get(i));
    }
    if (copy.get(0).isEmpty()) {
      throw new Stage1Failure(what + ": the program (argument 0) is empty");
    }
    return copy;
  }

  static byte[] utf8(String what, String value) {
    CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      ByteBuffer bb = enc.encode(CharBuffer.wrap(value));
      byte[] out = new byte[bb.remaining()];
      bb.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new Stage1Failure(what + " is not valid Unicode (unpaired surrogate): " + show(value));
    }
  }

  /** A value quoted for a one-line message: control characters escaped, long values cut. */
  static String show(String value) {
    int limit = Math.min(value.length(), 120);
    return "'" + printable(value.substring(0, limit)) + (value.length() > limit ? "…" : "") + "'";
  }

  /**
   * Text as it may appear inside one line on an operator's terminal or in a log, whoever wrote it (the guest, its
   * kernel, an image): whatever could end the line, forge another or drive the terminal is written as an escape,
   * so that the line shows what was sent and nothing else. That is every control character, C0 (newline, carriage
   * return, ESC, BEL, backspace...), DEL and C1 (CSI U+009B, OSC U+009D, NEL U+0085...), every format character
   * (the bidirectional overrides and isolates that reorder what a line shows, zero-width characters), the line and
   * paragraph separators, and unpaired surrogates. {@code \n}, {@code \r} and {@code \t} keep their short
   * form, the rest become {@code \}{@code uXXXX} ({@code \}{@code UXXXXXXXX} beyond the BMP), and a backslash
   * is doubled so that no text can pass for an escape.
   */
  static String printable(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                Character.SURROGATE -> sb.append(cp > 0xFFFF ? String.format("\\U%08x", cp)
                    : String.format("\\u%04x", cp));
            default -> sb.appendCodePoint(cp);
          }
        }
      }
    }
    return sb.toString();
  }
}
