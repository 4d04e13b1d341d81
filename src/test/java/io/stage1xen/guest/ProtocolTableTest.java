package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.guest.ControlChannel.Listener.LogLevel;
import io.stage1xen.guest.ControlChannel.Listener.PoweroffReason;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The protocol's numbers are defined once, in stage1/guest/protocol.h, which the guest init compiles. The host's Java
 * constants repeat them because a switch needs compile-time constants; this test holds them to the header, name for
 * name and value for value, in both directions, so a number changed or added on one side only fails {@code mvn test}.
 * docs/PROTOCOL.md is held to the header too.
 */
class ProtocolTableTest {
  static final Path HEADER = Path.of(System.getProperty("user.dir"), "stage1", "guest", "protocol.h");
  private static final Pattern ENTRY = Pattern.compile("\\s*([A-Z][A-Z0-9_]*)\\s*=\\s*(0x[0-9A-Fa-f]+|[0-9]+)\\s*,"
      + "\\s*(/\\*.*\\*/)?\\s*");
  private static final Pattern LOOKS_LIKE_ENTRY = Pattern.compile("\\s*[A-Z][A-Z0-9_]*\\s*=.*");

  /** The header's NAME = value lines; a line that looks like one but cannot be read fails, so none is skipped. */
  static Map<String, Long> header() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    List<String> lines = Files.readAllLines(HEADER);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher m = ENTRY.matcher(line);
      if (m.matches()) {
        String v = m.group(2);
        long value = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
        assertEquals(null, out.put(m.group(1), value), "protocol.h:" + (i + 1) + ": " + m.group(1) + " twice");
      } else {
        assertTrue(!LOOKS_LIKE_ENTRY.matcher(line).matches(),
            "protocol.h:" + (i + 1) + ": not a 'NAME = literal,' line this test can read: " + line.strip());
      }
    }
    assertTrue(out.size() > 50, "read only " + out.size() + " numbers from " + HEADER);
    return out;
  }

  /** The Java side under the header's names (the prefixes protocol.h's comment lists). */
  static Map<String, Long> java(Map<String, Long> header) throws IllegalAccessException {
    Map<String, Long> out = new TreeMap<>();
    for (Field f : intConstants(Frame.class)) {
      // a Frame constant is a frame type (F_) or a framing limit (FRAME_); which one, the header says
      String name = header.containsKey("FRAME_" + f.getName()) ? "FRAME_" + f.getName() : "F_" + f.getName();
      out.put(name, (long) f.getInt(null));
    }
    for (Field f : intConstants(PlanEncoder.class)) {
      out.put(f.getName().startsWith("T_") ? f.getName() : "PLAN_" + f.getName(), (long) f.getInt(null));
    }
    for (Field f : intConstants(ControlChannel.class)) {
      out.put("CHANNEL_" + f.getName(), (long) f.getInt(null));
    }
    for (LogLevel l : LogLevel.values()) {
      out.put("LOG_" + l.name(), (long) l.wire());
    }
    for (PoweroffReason r : PoweroffReason.values()) {
      if (r != PoweroffReason.UNKNOWN) {
        out.put("OFF_" + r.name(), (long) r.wire());
      }
    }
    return out;
  }

  private static List<Field> intConstants(Class<?> c) {
    List<Field> out = new ArrayList<>();
    for (Field f : c.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == int.class) {
        out.add(f);
      }
    }
    return out;
  }

  @Test
  void javaHasEveryNumberOfTheHeaderAndNoOther() throws Exception {
    Map<String, Long> header = header();
    Map<String, Long> java = java(header);
    List<String> diff = new ArrayList<>();
    header.forEach((name, v) -> {
      if (!java.containsKey(name)) {
        diff.add(name + " = " + hex(v) + " is in protocol.h, not in Java");
      } else if (!java.get(name).equals(v)) {
        diff.add(name + " is " + hex(v) + " in protocol.h, " + hex(java.get(name)) + " in Java");
      }
    });
    java.forEach((name, v) -> {
      if (!header.containsKey(name)) {
        diff.add(name + " = " + hex(v) + " is in Java, not in protocol.h");
      }
    });
    assertEquals(List.of(), diff, "Java and stage1/guest/protocol.h disagree");
  }

  /** Codes and names as docs/PROTOCOL.md writes them: "| 0x81 | HELLO |" in a table, or "0x40 SHARE_TAG" in text. */
  @Test
  void theProtocolDocumentNamesEveryFrameTypeAndFieldWithItsNumber() throws Exception {
    String doc = Files.readString(Path.of(System.getProperty("user.dir"), "docs", "PROTOCOL.md"));
    List<String> missing = new ArrayList<>();
    header().forEach((name, v) -> {
      if (name.startsWith("F_") || name.startsWith("T_")) {
        String bare = name.substring(2);
        String code = String.format("0x%02X", v);
        if (!Pattern.compile(Pattern.quote(code) + "( \\| | )" + bare + "\\b").matcher(doc).find()) {
          missing.add(code + " " + bare);
        }
      }
    });
    assertEquals(List.of(), missing, "docs/PROTOCOL.md does not name these as protocol.h defines them");
  }

  @Test
  void theHeaderReaderRefusesAnEntryItCannotRead() {
    assertTrue(ENTRY.matcher("  F_HELLO = 0x81,").matches());
    assertTrue(ENTRY.matcher("  T_SHARE = 0x08, /* nested */").matches());
    assertTrue(!ENTRY.matcher("  F_HELLO = 1 << 7,").matches()
        && LOOKS_LIKE_ENTRY.matcher("  F_HELLO = 1 << 7,").matches(), "an expression is caught, not skipped");
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
