package io.stage1xen.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.xen.DomainDeath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
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
    StubXl xl = new StubXl(3);
    Optional<DomainDeath> death = new DomainInquest(environment(root), xl, "rkt-x").inquire(false);
    assertTrue(death.isPresent(), "a domain that went within the settle time died");
    assertTrue(xl.domidCalls > 3, "asked again after it was still listed: " + xl.domidCalls);
  }

  @Test
  void aDomainThatStaysIsNotDead(@TempDir Path root) throws Exception {
    StubXl xl = new StubXl(Integer.MAX_VALUE);
    assertEquals(Optional.empty(), new DomainInquest(environment(root), xl, "rkt-x").inquire(false));
  }

  private static Stage1Environment environment(Path root) {
    return new Stage1Environment(new io.stage1xen.testing.RecordingRunner(), java.util.Map.of(), (names, handler) -> { }, root, root, new java.io.ByteArrayInputStream(new byte[0]),
        java.io.OutputStream.nullOutputStream(), java.io.OutputStream.nullOutputStream(), java.time.Clock.systemUTC(),
        1, socket -> {
          throw new IOException("no sockets here");
        });
  }

  /** xl that lists the domain for its first {@code listed} lookups and then no more; nothing else is asked. */
  private static final class StubXl implements io.stage1xen.xen.Xl {
    private final int listed;
    int domidCalls;

    StubXl(int listed) {
      this.listed = listed;
    }

    @Override
    public java.util.OptionalInt domid(String name) {
      return domidCalls++ < listed ? java.util.OptionalInt.of(7) : java.util.OptionalInt.empty();
    }

    @Override
    public String dmesg() {
      return "";
    }

    @Override
    public void create(Path config, String name, Path logFile) {
      throw new UnsupportedOperationException();
    }

    @Override
    public io.stage1xen.xen.DomainOutcome unpause(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int createAttached(Path config, java.time.Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public io.stage1xen.xen.DomainOutcome shutdown(String name, boolean wait, java.time.Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public io.stage1xen.xen.DomainOutcome destroy(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.List<io.stage1xen.xen.DomainSummary> list() {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.Map<String, String> info() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int console(String name, java.time.Duration timeout) {
      throw new UnsupportedOperationException();
    }
  }
}
