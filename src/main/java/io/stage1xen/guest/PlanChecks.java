package io.stage1xen.guest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/** The rules every string of a plan must follow before it may cross to the guest; messages are one line. */
final class PlanChecks {
  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z_0-9.-]*");
  static final Pattern APP_NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  static final Pattern SHARE_TAG = Pattern.compile("[A-Za-z0-9_.-]{1,31}");
  static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,62}[A-Za-z0-9])?");

  private PlanChecks() {}

  /** Any text: not null, no NUL (the guest passes it to C), valid Unicode (it travels as UTF-8). */
  static String text(String what, String value) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " contains a NUL byte: " + show(value));
    }
    utf8(what, value);
    return value;
  }

  static String nonEmpty(String what, String value) {
    text(what, value);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    return value;
  }

  static String absolutePath(String what, String value) {
    text(what, value);
    if (!value.startsWith("/")) {
      throw new IllegalArgumentException(what + " must be an absolute path: " + show(value));
    }
    return value;
  }

  static String matching(String what, String value, Pattern pattern) {
    text(what, value);
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " " + show(value) + " does not match " + pattern.pattern());
    }
    return value;
  }

  static String envEntry(String what, String value) {
    text(what, value);
    int eq = value.indexOf('=');
    if (eq <= 0 || !ENV_NAME.matcher(value.substring(0, eq)).matches()) {
      throw new IllegalArgumentException(what + " must be NAME=value with NAME matching " + ENV_NAME.pattern()
          + ": " + show(value));
    }
    return value;
  }

  static List<String> args(String what, List<String> args) {
    if (args == null || args.isEmpty()) {
      throw new IllegalArgumentException(what + " needs at least one argument (the program)");
    }
    List<String> copy = List.copyOf(args);
    for (int i = 0; i < copy.size(); i++) {
      text(what + " argument " + i, copy.get(i));
    }
    if (copy.get(0).isEmpty()) {
      throw new IllegalArgumentException(what + ": the program (argument 0) is empty");
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
      throw new IllegalArgumentException(what + " is not valid Unicode (unpaired surrogate): " + show(value));
    }
  }

  /** A value quoted for a one-line message: control characters escaped, long values cut. */
  static String show(String value) {
    StringBuilder sb = new StringBuilder("'");
    int limit = Math.min(value.length(), 120);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7F || Character.isSurrogate(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (value.length() > limit) {
      sb.append('…');
    }
    return sb.append('\'').toString();
  }
}
