package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.outcome.Stage1Failure;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class XlSyntaxTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "plain|\"plain\"",
      "a\"b|\"a\\\"b\"",
      "back\\slash|\"back\\\\slash\"",
      "it's|\"it's\"",
      "# not a comment ] , = ;|\"# not a comment ] , = ;\"",
      "café ✓ 😀|\"café ✓ 😀\"",
      "``|\"\""})
  void quotesWhatXlReadsBack(String value, String expected) {
    assertEquals(expected, XlSyntax.quote("f", value));
  }

  @Test
  void escapesTheControlCharactersXlUnderstands() {
    assertEquals("\"a\\nb\\tc\\rd\"", XlSyntax.quote("f", "a\nb\tc\rd"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "a\u0000b|contains a NUL character",
      "a\u0001b|contains the control character U+0001",
      "bell\u0007x|contains the control character U+0007",
      "esc\u001b[0m|contains the control character U+001B",
      "del\u007f|contains the control character U+007F",
      "lone \ud800 high|unpaired surrogate U+D800",
      "lone \udc00 low|unpaired surrogate U+DC00",
      "ends high \ud83d|unpaired surrogate U+D83D"})
  void refusesWhatXlCannotCarry(String value, String why) {
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> XlSyntax.quote("kernel", value));
    assertTrue(e.getMessage().startsWith("kernel: value '"), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertTrue(!e.getMessage().contains("\n") && !e.getMessage().contains("\u0000"), "one printable line");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/var/lib/rkt/pods/run/x/stage1/rootfs", "/a b/c", "/ünï/côdé", "/x:y@z+1"})
  void specValuesThatFit(String v) {
    assertEquals(v, XlSyntax.specValue("p9 path", v));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "/a,b|contains ','",
      "/a=b|contains '='",
      "/a\"b|contains '\"'",
      "/a'b|contains '''",
      "/a\\b|contains '\\'",
      "` /a`|starts or ends with a blank",
      "`/a `|starts or ends with a blank",
      "``|is empty"})
  void specValuesThatDoNot(String v, String why) {
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> XlSyntax.specValue("p9 share app0 path", v));
    assertTrue(e.getMessage().startsWith("p9 share app0 path: value '"), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @Test
  void specValuesRefuseEveryControlCharacter() {
    for (char c = 0; c < 0x20; c++) {
      String v = "/a" + c + "b";
      Stage1Failure e = assertThrows(Stage1Failure.class, () -> XlSyntax.specValue("f", v));
      assertTrue(e.getMessage().contains(c == 0 ? "NUL" : "control character U+00"), e.getMessage());
    }
    assertThrows(Stage1Failure.class, () -> XlSyntax.specValue("f", "/a\u007fb"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu_weight", "cpus", "a", "max_grant_frames", "x9"})
  void keys(String k) {
    assertEquals(k, XlSyntax.key("f", k));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "_x", "Cpus", "9x", "cpu-weight", "a b", "a=b", "kernel\n", "é"})
  void notKeys(String k) {
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> XlSyntax.key("extra", k));
    assertTrue(e.getMessage().contains("is not an xl.cfg key"), e.getMessage());
  }

  @Test
  void listsQuoteEveryItem() {
    assertEquals("[ \"a\", \"b\\\"c\" ]", XlSyntax.list("l", List.of("a", "b\"c")));
    assertEquals("[]", XlSyntax.list("l", List.of()));
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> XlSyntax.list("cpus", List.of("ok", "bad\u0002")));
    assertTrue(e.getMessage().startsWith("cpus[1]: "), e.getMessage());
  }

  @Test
  void showMakesValuesPrintableAndShort() {
    assertEquals("a\\nb\\u0001\\\\", XlSyntax.show("a\nb\u0001\\"));
    String shown = XlSyntax.show("x".repeat(10_000));
    assertTrue(shown.endsWith("…(10000 chars)") && shown.length() < 200, shown);
  }
}
