package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class XlListJsonTest {
  private final XlListJson decoder = new XlListJson();

  @Test
  void readsTheRealDom0OnlyList() throws XlException {
    assertEquals(List.of(new DomainSummary(0, "Domain-0", 1536, Optional.of("pv"))),
        decoder.decode(Fixtures.resource("/xl/real/xl-list-l-4.17-dom0-only.json")));
  }

  @Test
  void readsEscapesAndOtherTypes() throws XlException {
    String json = "[{\"domid\": 3, \"extra\": [true, false, null, -1.5e3, \"\\u00e9\\n\\/\"], \"config\": {"
        + "\"c_info\": {\"type\": \"pvh\", \"name\": \"rkt-\\\"x\\\"\"}, \"b_info\": {\"max_memkb\": 262144}}}]";
    assertEquals(List.of(new DomainSummary(3, "rkt-\"x\"", 256, Optional.of("pvh"))), decoder.decode(json));
    assertEquals(List.of(), decoder.decode(" [ ] "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{}", "[", "[{\"domid\": 1}]", "[{\"domid\": \"1\", \"config\": {\"c_info\": {\"name\":"
      + " \"x\"}}}]", "[1] x", "[\"\\q\"]", "[tru]", "[\"open]", "[1,]"})
  void refusesWhatIsNotAnXlDomainList(String json) {
    XlException e = assertThrows(XlException.class, () -> decoder.decode(json));
    assertTrue(e.getMessage().startsWith("'xl list -l' printed"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[{\"domid\": \"1\", \"config\": {\"c_info\": {\"name\": \"x\"}}}] | [0].domid (line 1, column 12): expected an integer, found a string: \"1\"",
      "[{\"domid\": 1}] | [0].config (line 1, column 2): is required",
      "[{\"domid\": 1, \"config\": {\"c_info\": {}}}] | [0].config.c_info.name (line 1, column 36): is required",
      "[{\"domid\": 1, \"config\": {\"c_info\": {\"name\": \"x\"}, \"b_info\": {\"max_memkb\": \"lots\"}}}] | [0].config.b_info.max_memkb (line 1, column 75): expected an integer, found a string: \"lots\"",
      "[{\"domid\": 99999999999, \"config\": {\"c_info\": {\"name\": \"x\"}}}] | [0].domid (line 1, column 12): number out of range for int: 99999999999",
      "{} | $ (line 1, column 1): expected an array, found an object",
      "[null] | [0]: expected an object, found null"})
  void errorsNameTheFieldAndTheValue(String json, String detail) {
    XlException e = assertThrows(XlException.class, () -> decoder.decode(json));
    assertEquals("'xl list -l' printed JSON that cannot be read: " + detail, e.getMessage());
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    XlException e = assertThrows(XlException.class, () -> decoder.decode("[".repeat(10_000)));
    assertTrue(e.getMessage().startsWith("'xl list -l' printed"), e.getMessage());
  }
}
