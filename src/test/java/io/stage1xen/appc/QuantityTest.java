package io.stage1xen.appc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {

  @ParameterizedTest(name = "{0} = {1} bytes")
  @CsvSource({
      "0, 0", "1, 1", "128M, 128000000", "128Mi, 134217728", "1Gi, 1073741824", "1G, 1000000000",
      "1.5Ki, 1536", "0.5, 1", "1k, 1000", "2T, 2000000000000", "1Ti, 1099511627776", "1P, 1000000000000000",
      "1Pi, 1125899906842624", "1E, 1000000000000000000", "1e3, 1000", "1E3, 1000", "5e-1, 1", "12E+2, 1200",
      "100m, 1", "+7, 7", ".5Ki, 512", "1., 1", "1500n, 1", "3u, 1", "7Ei, 8070450532247928832"})
  void bytes(String text, long bytes) {
    assertEquals(bytes, Quantity.of(text).bytes());
    assertEquals(text, Quantity.of(text).toString(), "the text is kept as written");
  }

  @ParameterizedTest(name = "{0} = {1} milli")
  @CsvSource({"500m, 500", "1, 1000", "2, 2000", "0.25, 250", "1500u, 2", "1n, 1", "250m, 250", "1.5, 1500",
      "0, 0"})
  void millis(String text, long millis) {
    assertEquals(millis, Quantity.of(text).millis());
  }

  @Test
  void exactValues() {
    assertEquals(0, new BigDecimal("0.0015").compareTo(Quantity.of("1500n").value().movePointRight(3)));
    assertEquals(0, Quantity.of("1Gi").compareTo(Quantity.of("1073741824")));
    assertTrue(Quantity.of("1Gi").compareTo(Quantity.of("1G")) > 0);
    assertTrue(Quantity.of("-1").isNegative());
    assertEquals(-1000, Quantity.of("-1").millis());
  }

  @ParameterizedTest
  @ValueSource(strings = {"8Ei", "9223372036854775808", "10E", "1e64"})
  void overflowIsAnErrorNotAWrap(String text) {
    InvalidValueException e = assertThrows(InvalidValueException.class, () -> Quantity.of(text).bytes());
    assertTrue(e.getMessage().contains("too large"), e.getMessage());
  }

  @Test
  void millisOverflow() {
    assertThrows(InvalidValueException.class, () -> Quantity.of("9223372036854775807").millis());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "M", "1MB", "1 M", " 1", "1m ", "1mi", "1KI", "1K", "0x10", "1e", "1e+", "1,5",
      "1.2.3", "--1", "1e65", "1e99999999999", "∞", "NaN", "12X", "1\n"})
  void rejects(String text) {
    assertThrows(InvalidValueException.class, () -> Quantity.of(text));
  }

  @Test
  void refusesHugeText() {
    assertThrows(InvalidValueException.class, () -> Quantity.of("1".repeat(65)));
    assertEquals(64, Quantity.of("1".repeat(64)).text().length());
  }
}
