package io.stage1xen.appc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Stage1InterfaceTest {
  private static ImageManifest stage1(Annotations annotations) {
    return ImageManifest.of("0.8.11", "stage1-xen.io/stage1", Labels.EMPTY, Optional.empty(), annotations);
  }

  @Test
  void versionDefaultsToOneLikeRkt() {
    assertEquals(1, Stage1Interface.versionOf(stage1(Annotations.EMPTY)));
    assertEquals(5, Stage1Interface.versionOf(stage1(Annotations.EMPTY.with(Stage1Interface.INTERFACE_VERSION,
        String.valueOf(Stage1Interface.VERSION)))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "five", "0", "-1", "5.0"})
  void invalidVersion(String v) {
    assertThrows(InvalidValueException.class,
        () -> Stage1Interface.versionOf(stage1(Annotations.EMPTY.with(Stage1Interface.INTERFACE_VERSION, v))));
  }

  @Test
  void mutablePodsNeedRmStartAndStopButNotAdd() {
    Annotations three = Annotations.EMPTY.with(Stage1Interface.APP_RM, "/app/rm")
        .with(Stage1Interface.APP_START, "/app/start").with(Stage1Interface.APP_STOP, "/app/stop");
    assertTrue(Stage1Interface.supportsMutablePods(stage1(three)));
    assertFalse(Stage1Interface.supportsMutablePods(stage1(Annotations.EMPTY.with(Stage1Interface.APP_ADD, "/a")
        .with(Stage1Interface.APP_RM, "/r").with(Stage1Interface.APP_START, "/s"))));
  }
}
