package io.stage1xen.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class XenVersionTest {

  @ParameterizedTest
  @CsvSource({"4.17.7, 4, 17, 7, ''", "4.9.2, 4, 9, 2, ''", "4.17.5-pre, 4, 17, 5, -pre", "4.19-unstable, 4, 19, 0, -unstable",
      "4.10, 4, 10, 0, ''"})
  void parsesTheFormsXlPrints(String text, int major, int minor, int patch, String suffix) {
    assertEquals(new XenVersion(major, minor, patch, suffix), XenVersion.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "4", "four.17", "4.17.7 extra", "-4.1", "4..1"})
  void rejectsWhatIsNotAVersion(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> XenVersion.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @Test
  void ordersNumericallyNotAsText() {
    assertTrue(XenVersion.parse("4.10.0").atLeast(XenVersion.parse("4.9.9")));
    assertFalse(XenVersion.parse("4.9.2").atLeast(XenVersion.TYPE_PVH));
    assertTrue(XenVersion.parse("4.17.5-pre").atLeast(XenVersion.parse("4.17.5")));
    assertFalse(XenVersion.parse("4.8.5").atLeast(XenVersion.MINIMUM));
    assertTrue(XenVersion.parse("5.0").atLeast(XenVersion.VIRT_CAPS_PV));
  }
}
