package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stage1xen.host.GuestTypeRendering;
import io.stage1xen.inet.InterfaceName;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Property tests: hostile strings placed wherever data reaches xl.cfg must either be refused with a one-line error
 * or read back, with a reader that follows xl's lexer, as exactly the intended keys and values and nothing more.
 */
class HostileStringsTest {
  private static final String[] PIECES = {"\"", "\\", "\n", "\r", "\t", "]", "[", ",", "=", "#", ";", "'", " ",
      "\u0000", "\u0001", "\u001b", "\u007f", "\ud800", "\udfff", "😀", "é", "\ufffd", "\\n", "\\x41", "\\101",
      "\" ]\nname = \"evil", "\npci = [ \"01:00.0\" ]\n", "a", "/", "tag=x", "${x}", "$(id)", "`id`"};
  private static final int RUNS = 3000;

  /** Deterministic hostile strings: fixed cases first, then random concatenations of the pieces. */
  static List<String> hostile() {
    Set<String> out = new LinkedHashSet<>(List.of(PIECES));
    out.add("x".repeat(100_000));
    out.add("\\".repeat(4097));
    out.add("\"".repeat(1000));
    Random random = new Random(20240601);
    while (out.size() < RUNS) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(8);
      for (int i = 0; i < n; i++) {
        sb.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x80) : PIECES[random.nextInt(PIECES.length)]);
      }
      out.add(sb.toString());
    }
    return new ArrayList<>(out);
  }

  /** What XlSyntax.quote may refuse: NUL, controls other than \t \n \r, DEL, unpaired surrogates. */
  static boolean quotable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
        return false;
      }
    }
    return encodable(s);
  }

  static boolean specable(String s) {
    if (s.isEmpty() || !encodable(s) || Character.isWhitespace(s.charAt(0))
        || Character.isWhitespace(s.charAt(s.length() - 1))) {
      return false;
    }
    return s.chars().noneMatch(c -> c < 0x20 || c == 0x7f || ",=\"'\\".indexOf(c) >= 0);
  }

  static boolean encodable(String s) {
    try {
      StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT).encode(java.nio.CharBuffer.wrap(s));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Renders, checks the bytes are valid UTF-8, reads back, and checks the keys are exactly the expected ones. */
  static Map<String, Object> roundTrip(DomainConfig config, Set<String> expectedKeys) {
    String text = XlConfigRenderer.render(config);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      fail("rendered config is not valid UTF-8");
    }
    Map<String, Object> cfg = XlCfgReader.read(text);
    assertEquals(expectedKeys, cfg.keySet());
    return cfg;
  }

  private static final Set<String> BASE_KEYS = Set.of("name", "type", "kernel", "ramdisk", "cmdline", "memory",
      "maxmem", "vcpus", "on_poweroff", "on_reboot", "on_crash", "channel");

  /** Returns whether the value was rendered (true) or refused (false). */
  private static boolean property(String where, Function<String, DomainConfig> build, boolean mayRender,
      String hostile, java.util.function.BiConsumer<String, DomainConfig> check) {
    DomainConfig config;
    try {
      config = build.apply(hostile);
    } catch (InvalidPathException e) {
      return false; // not even a path (NUL): the test could not build the input
    } catch (Stage1Failure e) {
      assertTrue(!mayRender, where + " refused a representable value '"
          + XlSyntax.show(hostile) + "': " + e.getMessage());
      assertTrue(e.getMessage() != null && !e.getMessage().contains("\n"), where + ": error must be one line: "
          + e.getMessage());
      return false;
    }
    assertTrue(mayRender, where + " accepted an unrepresentable value '" + XlSyntax.show(hostile) + "'");
    check.accept(hostile, config);
    return true;
  }

  /** Both outcomes must occur often, or the generator has stopped testing anything. */
  private static void bothOutcomes(int rendered, String where) {
    int total = hostile().size();
    assertTrue(rendered >= 100 && total - rendered >= 100, where + ": " + rendered + " of " + total
        + " rendered");
  }

  @Test
  void kernelPathsAreQuotedOrRefused() {
    int rendered = 0;
    for (String h : hostile()) {
      rendered += property("kernel", s -> new DomainConfig(DomainName.forPod(Fixtures.POD_UUID), GuestTypeRendering.TYPE_PV,
              Path.of("/boot/" + s), Optional.of(Fixtures.INITRD), Fixtures.CMDLINE, 160, 160, 1, List.of(),
              List.of(), Channel.forControl(Fixtures.POD.resolve("xen")), List.of()),
          quotable(h), h, (s, c) -> {
            Map<String, Object> cfg = roundTrip(c, BASE_KEYS);
            assertEquals(c.kernel().toString(), cfg.get("kernel"));
          }) ? 1 : 0;
    }
    bothOutcomes(rendered, "kernel");
  }

  @Test
  void p9PathsSurviveTheSpecOrAreRefused() {
    Set<String> keys = new LinkedHashSet<>(BASE_KEYS);
    keys.add("p9");
    int rendered = 0;
    for (String h : hostile()) {
      rendered += property("p9 path", s -> Fixtures.config(GuestTypeRendering.TYPE_PV, 160, 1,
              List.of(new P9Share("vol0", Path.of("/srv/" + s), P9SecurityModel.MAPPED_FILE)), List.of(), List.of()),
          normalises(h), h, (s, c) -> {
            Map<String, Object> cfg = roundTrip(c, keys);
            @SuppressWarnings("unchecked")
            List<String> p9 = (List<String>) cfg.get("p9");
            assertEquals(1, p9.size());
            assertEquals(Map.of("tag", "vol0", "security_model", "mapped-file", "path", c.p9().get(0).path().toString()),
                XlCfgReader.spec(p9.get(0)));
          }) ? 1 : 0;
    }
    bothOutcomes(rendered, "p9 path");
  }

  /** Path.of drops trailing and doubled slashes: what must be representable is the path it holds. */
  private static boolean normalises(String h) {
    try {
      String p = Path.of("/srv/" + h).toString();
      return specable(p);
    } catch (InvalidPathException e) {
      return false;
    }
  }

  @Test
  void operatorStringsAreReRenderedExactly() {
    Set<String> keys = new LinkedHashSet<>(BASE_KEYS);
    keys.add("cpus");
    int rendered = 0;
    for (String h : hostile()) {
      rendered += property("operator value", s -> Fixtures.config(GuestTypeRendering.TYPE_PV, 160, 1, List.of(), List.of(),
              List.of(new XlSetting("cpus", new XlValue.Text(s), "test"))),
          quotable(h), h, (s, c) -> assertEquals(s, roundTrip(c, keys).get("cpus"))) ? 1 : 0;
      property("operator list", s -> Fixtures.config(GuestTypeRendering.TYPE_PV, 160, 1, List.of(), List.of(),
              List.of(new XlSetting("cpus", new XlValue.TextList(List.of(s, "2")), "test"))),
          quotable(h), h, (s, c) -> assertEquals(List.of(s, "2"), roundTrip(c, keys).get("cpus")));
    }
    bothOutcomes(rendered, "operator value");
  }

  @Test
  void operatorLinesParseOrAreRefused() {
    for (String h : hostile()) {
      String escaped = h.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t")
          .replace("\r", "\\r");
      try {
        XlSetting s = XlSettingParser.parse("cpus = \"" + escaped + "\"", "test");
        assertTrue(quotable(h), "accepted '" + XlSyntax.show(h) + "'");
        assertEquals(new XlValue.Text(h), s.value());
      } catch (Stage1Failure e) {
        assertTrue(!quotable(h), "refused '" + XlSyntax.show(h) + "': " + e.getMessage());
      }
      // raw, unescaped operator text: either a clean refusal or a value that renders back to itself
      try {
        XlSetting s = XlSettingParser.parse("cpus = " + h, "test");
        Map<String, Object> cfg = XlCfgReader.read(s.render() + "\n");
        assertEquals(Set.of("cpus"), cfg.keySet());
      } catch (Stage1Failure e) {
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
      }
    }
  }

  @Test
  void vifFieldsAreCheckedOrRefused() {
    int rendered = 0;
    for (String h : hostile()) {
      rendered += property("vif script", s -> Fixtures.config(GuestTypeRendering.TYPE_PV, 160, 1, List.of(), List.of(
              new Vif(Optional.empty(), Optional.of(new InterfaceName("xenbr0")), Optional.empty(), Optional.of(s), Optional.empty())),
              List.of()),
          specable(h), h, (s, c) -> {
            Set<String> keys = new LinkedHashSet<>(BASE_KEYS);
            keys.add("vif");
            @SuppressWarnings("unchecked")
            List<String> vif = (List<String>) roundTrip(c, keys).get("vif");
            assertEquals(Map.of("bridge", "xenbr0", "script", s), XlCfgReader.spec(vif.get(0)));
          }) ? 1 : 0;
    }
    bothOutcomes(rendered, "vif script");
  }
}
