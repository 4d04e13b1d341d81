package io.stage1xen.appc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

class NativeWarmupTest {
  @Test
  void theWarmUpManifestsStayValid() {
    // if the model's rules change, the native build's warm-up must still parse, or the image build fails
    assertDoesNotThrow(NativeWarmup::warmUp);
  }
}
