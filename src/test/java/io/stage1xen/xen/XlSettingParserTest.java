package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.outcome.Stage1Failure;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XlSettingParserTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "cpu_weight = 512|cpu_weight = 512",
      "cpu_weight=512|cpu_weight = 512",
      "cpus = \"0-3\"|cpus = \"0-3\"",
      "cpus = \"a\\\"b\\\\c\\nd\"|cpus = \"a\\\"b\\\\c\\nd\"",
      "cpus_soft = [ \"0\" , \"1\" ]|cpus_soft = [ \"0\", \"1\" ]",
      "cpus_soft = [\"0\",]|cpus_soft = [ \"0\" ]",
      "cpus_soft = []|cpus_soft = []",
      "`cpus = \"x\"   `|cpus = \"x\""})
  void parsesAndRendersAgain(String line, String rendered) {
    assertEquals(rendered, XlSettingParser.parse(line, "test").render());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "cpu_weight|expected 'key = value'",
      "Cpus = 1|is not an xl.cfg key",
      "cpus =|value has no value",
      "cpus = 0x10|has text after the value: 'x10'",
      "cpus = -1|must be a number",
      "cpus = 'x'|must be a number",
      "cpus = \"x\" # comment|has text after the value",
      "cpus = \"x\"; pci = [ \"01:00.0\" ]|has text after the value",
      "cpus = \"x|without its closing '\"'",
      "cpus = \"\\x41\"|unsupported escape '\\x'",
      "cpus = \"\\101\"|unsupported escape '\\1'",
      "cpus = [ 1 ]|items are not all",
      "cpus = [ \"a\" \"b\" ]|without ','",
      "cpus = [ \"a\"|without ','",
      "cpus = 99999999999999999999|too large"})
  void refusesWithTheSourceNamed(String line, String why) {
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> XlSettingParser.parse(line, "host.conf:7 extra"));
    assertTrue(e.getMessage().startsWith("host.conf:7 extra"), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"cpus = \"a\\tb\"|a\tb", "cpus = \"x\\ry\"|x\ry"})
  void decodesEscapes(String line, String value) {
    assertEquals(new XlValue.Text(value), XlSettingParser.parse(line, "t").value());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"cpus = [ \"a,b\", \"]\" ]"})
  void listItemsMayHoldAnything(String line) {
    assertEquals(new XlValue.TextList(List.of("a,b", "]")), XlSettingParser.parse(line, "t").value());
  }
}
