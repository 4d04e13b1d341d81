package io.stage1xen.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.process.ProcessRunner;
import io.stage1xen.testing.RecordingRunner;
import io.stage1xen.testing.ScriptedXl;
import io.stage1xen.xen.DomainDeath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guest's panic, from real console logs that xenconsoled kept on the Xen 4.17 host (a PV and a PVH guest); a domain
 * that goes while the inquest waits.
 */
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

  /**
   * A domain destroyed while the start configures its vifs: the vif is gone at once, xl lists the dying domain a
   * little longer (measured on Xen 4.17 under emulation), so the failed step must not be taken for the news.
   */
  @Test
  void aDomainStillListedWhileItIsDestroyedIsFoundDead(@TempDir Path root) throws Exception {
    ScriptedXl xl = listedFor(3);
    Optional<DomainDeath> death = new DomainInquest(environment(root), xl, "rkt-x").inquire(false);
    assertTrue(death.isPresent(), "a domain that went within the settle time died");
    assertTrue(xl.domidCalls() > 3, "asked again after it was still listed: " + xl.domidCalls());
  }

  @Test
  void aDomainThatStaysIsNotDead(@TempDir Path root) throws Exception {
    ScriptedXl xl = listedFor(Integer.MAX_VALUE);
    assertEquals(Optional.empty(), new DomainInquest(environment(root), xl, "rkt-x").inquire(false));
  }

  /** A temporary tree as the host, with no processes, signals, streams or sockets. */
  static Stage1Environment environment(Path root, ProcessRunner processes) {
    return new Stage1Environment(processes, Map.of(), (names, handler) -> { }, root, root,
        new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
        Clock.systemUTC(), 1, socket -> {
          throw new IOException("no sockets here");
        });
  }

  private static Stage1Environment environment(Path root) {
    return environment(root, new RecordingRunner());
  }

  /** xl that lists the domain (as id 7) for its first {@code listed} lookups and then no more. */
  private static ScriptedXl listedFor(int listed) {
    return new ScriptedXl(call -> call < listed ? OptionalInt.of(7) : OptionalInt.empty(), List.of());
  }
}
