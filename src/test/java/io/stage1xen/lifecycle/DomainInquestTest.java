package io.stage1xen.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guest's panic, from real console logs that xenconsoled kept on the Xen 4.17 host (a PV and a PVH guest). */
class DomainInquestTest {

  @ParameterizedTest
  @ValueSource(strings = {"guest-console-panic-pv.log", "guest-console-panic-pvh.log"})
  void theKernelsPanicLineIsFoundInTheConsoleLog(String capture) throws IOException {
    String console;
    try (InputStream in = getClass().getResourceAsStream("/xl/real/" + capture)) {
      console = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(Optional.of("Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)"),
        DomainInquest.panicLine(console));
    assertEquals(Optional.empty(), DomainInquest.panicLine(console.replace("Kernel panic", "Kernel")));
  }
}
