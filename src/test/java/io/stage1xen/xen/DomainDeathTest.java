package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How a pod's domain ended, read from what xl and Xen wrote on the Xen 4.17 host (src/test/resources/xl/real:
 * xl's monitor logs of a guest that powered off, one destroyed with xl destroy while it booted, a PV and a PVH guest
 * whose kernel panicked, and the xl dmesg of the latter), and the line made of it.
 */
class DomainDeathTest {
  private static final String NAME = "rkt-5f2a6c1e-8d3b-4a7e-9c10-2b4d6e8f0a13";
  private static final Path XL_LOG = Path.of("/var/log/xen/xl-" + NAME + ".log");
  private static final Path CONSOLE = Path.of("/var/log/xen/console/guest-" + NAME + ".log");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // capture, domid, reason code (-1: none), destroyed from outside
      "xl-monitor-poweroff-4.17.log, 1, 0, false",
      "xl-monitor-destroyed-4.17.log, 4, -1, true",
      "xl-monitor-crash-pv-4.17.log, 5, 3, false",
      "xl-monitor-crash-pvh-4.17.log, 6, 3, false"})
  void xlsMonitorLogSaysHowTheDomainEnded(String capture, int domid, int reason, boolean destroyed) {
    XlMonitorLog log = XlMonitorLog.parse(Fixtures.resource("/xl/real/" + capture));
    assertEquals(OptionalInt.of(domid), log.domid());
    assertEquals(reason < 0 ? OptionalInt.empty() : OptionalInt.of(reason), log.reasonCode());
    assertEquals(destroyed, log.destroyed());
    assertTrue(log.ended());
  }

  @Test
  void aMonitorThatIsStillWaitingHasNotSeenTheEnd() {
    XlMonitorLog log = XlMonitorLog.parse("Waiting for domain " + NAME + " (domid 12) to die [pid 824]\n");
    assertEquals(OptionalInt.of(12), log.domid());
    assertFalse(log.ended());
    assertEquals(XlMonitorLog.NONE, XlMonitorLog.parse(""));
  }

  @Test
  void onlyTheLastDomainOfTheNameCounts() {
    // a log that was not rotated: an earlier domain of the name crashed, the current one was destroyed
    String twice = Fixtures.resource("/xl/real/xl-monitor-crash-pv-4.17.log")
        + Fixtures.resource("/xl/real/xl-monitor-destroyed-4.17.log");
    XlMonitorLog log = XlMonitorLog.parse(twice);
    assertEquals(OptionalInt.of(4), log.domid());
    assertEquals(OptionalInt.empty(), log.reasonCode());
    assertTrue(log.destroyed());
  }

  @Test
  void xenConsoleLinesAreTheDomainsOwn() {
    String dmesg = Fixtures.resource("/xl/real/xl-dmesg-4.17-pvh-crash.txt");
    List<String> d6 = XenConsoleLines.forDomain(dmesg, 6);
    assertTrue(d6.contains("(XEN) [ 1143.665581] HVM d6v0 save: CPU"), d6.toString());
    assertTrue(d6.stream().allMatch(l -> l.matches(".*\\bd6(v\\d+)?\\b.*")), d6.toString());
    assertEquals(List.of(), XenConsoleLines.forDomain(dmesg, 61));
    assertEquals(Optional.empty(), XenConsoleLines.tripleFault(d6), "that guest panicked, it did not triple-fault");

    String tf = "(XEN) [   52.061524] d6v0 Triple fault - invoking HVM shutdown action";
    List<String> withFault = XenConsoleLines.forDomain(dmesg + tf + "\n(XEN) [   52.1] d16v0 Triple fault - x\n", 6);
    assertEquals(Optional.of(tf), XenConsoleLines.tripleFault(withFault));
  }

  @Test
  void aDomainDestroyedFromOutsideSaysSoAndWhereToLook() {
    DomainDeath death = new DomainDeath(NAME, XlMonitorLog.parse(Fixtures.resource(
        "/xl/real/xl-monitor-destroyed-4.17.log")), Optional.empty(), Optional.empty(), XL_LOG, true, Optional.empty());
    String line = death.describe("before its apps started");
    assertEquals("the pod VM " + NAME + " (domain 4) was destroyed from outside (xl destroy, or another toolstack)"
        + " before its apps started; see " + XL_LOG, line);
    assertFalse(death.crashed());
  }

  @Test
  void aCrashSaysCrashedWithTheGuestsPanic() {
    String panic = "[    5.944394] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)";
    DomainDeath death = new DomainDeath(NAME, XlMonitorLog.parse(Fixtures.resource(
        "/xl/real/xl-monitor-crash-pvh-4.17.log")), Optional.empty(),
        Optional.of(panic.substring(panic.indexOf("Kernel"))), XL_LOG, true, Optional.of(CONSOLE));
    assertTrue(death.crashed());
    assertEquals("the pod VM " + NAME + " (domain 6) crashed before its apps started: Xen shut it down for a crash"
        + " (reason code 3); its console says \"Kernel panic - not syncing: VFS: Unable to mount root fs on"
        + " unknown-block(0,0)\"; see " + XL_LOG + ", " + CONSOLE, death.describe("before its apps started"));
  }

  @Test
  void aTripleFaultIsQuotedAsXenLoggedIt() {
    String tf = "(XEN) [   52.061524] d6v0 Triple fault - invoking HVM shutdown action";
    DomainDeath death = new DomainDeath(NAME, XlMonitorLog.parse("Waiting for domain " + NAME
        + " (domid 6) to die [pid 2443]\nDomain 6 has shut down, reason code 1 0x1\n"
        + "Action for shutdown reason code 1 is destroy\n"), Optional.of(tf), Optional.empty(), XL_LOG, true,
        Optional.empty());
    String line = death.describe("before its apps started");
    assertTrue(line.contains("\"" + tf + "\""), line);
    assertTrue(line.contains("(domain 6) died before its apps started"), line);
    assertTrue(line.endsWith("see " + XL_LOG + " and 'xl dmesg'"), line);
    assertFalse(line.contains("crashed") || line.contains("destroyed"), line);
  }

  @Test
  void withoutXlsLogTheLineSaysOnlyWhatIsKnown() {
    DomainDeath death = new DomainDeath(NAME, XlMonitorLog.NONE, Optional.empty(), Optional.empty(), XL_LOG, false,
        Optional.empty());
    assertEquals("the pod VM " + NAME + " ended while its apps ran and is gone; xl left no log of it; see " + XL_LOG,
        death.describe("while its apps ran"));
  }

  @Test
  void theGuestsTextCannotBreakTheLine() {
    DomainDeath death = new DomainDeath(NAME, XlMonitorLog.parse(Fixtures.resource(
        "/xl/real/xl-monitor-crash-pv-4.17.log")), Optional.empty(), Optional.of("Kernel panic\nstage1-xen: forged\u001b[2J"),
        XL_LOG, true, Optional.empty());
    String line = death.describe("before its apps started");
    assertFalse(line.contains("\n") || line.contains("\u001b"), line);
    assertTrue(line.contains("Kernel panic\\nstage1-xen: forged\\u001B[2J"), line);
  }
}
