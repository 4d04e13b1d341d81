package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.host.HostProbe;
import io.stage1xen.process.SystemProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CliXl against a fake xl executable: exact argv, typed results and failures, timeouts. */
class CliXlTest {
  private static final String NAME = "rkt-" + Fixtures.UUID;
  private static final String MISSING = "Can't get domid of domain name '" + NAME
      + "', maybe this domain does not exist.\n";
  private static final String INVALID = NAME + " is an invalid domain identifier (rc=-6)\n";

  @TempDir Path tmp;
  FakeXl fake;
  CliXl xl;

  @BeforeEach
  void setUp() {
    fake = new FakeXl(tmp);
    xl = new CliXl(fake.runner(), Duration.ofSeconds(10));
  }

  @AfterEach
  void tearDown() throws IOException {
    fake.close();
  }

  @Test
  void createRunsXlCreatePausedAloneDetachedWithOutputInTheLog() throws Exception {
    fake.answer("create", 0, "Parsing config from /p/xen/domain.cfg\n", "").leaveDaemon();
    Path log = tmp.resolve("xl-create.log");
    xl.create(Path.of("/p/xen/domain.cfg"), NAME, log, true);
    assertEquals(List.of(List.of("xl", "create", "-p", "/p/xen/domain.cfg")), fake.calls());
    assertEquals("Parsing config from /p/xen/domain.cfg\n", Files.readString(log));
    // xl's stand-in monitor still holds the log open: create did not wait for it
    long monitor = Long.parseLong(Files.readString(fake.dir.resolve("pids")).strip());
    assertTrue(ProcessHandle.of(monitor).map(ProcessHandle::isAlive).orElse(false), "monitor alive");
  }

  @Test
  void createWithoutPauseLeavesTheDomainRunning() throws Exception {
    fake.answer("create", 0, "Parsing config from /p/xen/domain.cfg\n", "").leaveDaemon();
    xl.create(Path.of("/p/xen/domain.cfg"), NAME, tmp.resolve("xl-create.log"), false);
    assertEquals(List.of(List.of("xl", "create", "/p/xen/domain.cfg")), fake.calls());
  }

  @Test
  void createRefusesATakenNameWithATypedError() {
    fake.answer("domid", 0, "9\n", "")
        .answer("create", 3, "", "libxl: error: libxl_domain.c:81:libxl__domain_rename: Domain 9:Domain with name \""
            + NAME + "\" already exists.\n");
    DomainExistsException e = assertThrows(DomainExistsException.class,
        () -> xl.create(Path.of("/p/domain.cfg"), NAME, tmp.resolve("log"), true));
    assertTrue(e.getMessage().contains("(domid 9)"), e.getMessage());
  }

  @Test
  void createFailureCarriesArgvAndTheLogTail() {
    fake.answer("domid", 1, "", MISSING).answer("create", 3, "Parsing config from /p/domain.cfg\n",
        "libxl: error: libxl_dom.c:123:xc_dom_chk_alloc_pages: segment kernel too large\n"
            + "libxl: error: libxl_create.c:1296:initiate_domain_create: cannot make domain: -3\n");
    Path log = tmp.resolve("log");
    XlCommandException e = assertThrows(XlCommandException.class,
        () -> xl.create(Path.of("/p/domain.cfg"), NAME, log, true));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().startsWith("'xl create -p /p/domain.cfg' failed (exit 3): "), e.getMessage());
    assertTrue(e.getMessage().contains("segment kernel too large"), e.getMessage());
    assertTrue(e.getMessage().endsWith("cannot make domain: -3 [xl's output: " + log + "]"), e.getMessage());
    assertFalse(e.getMessage().contains("device model"), e.getMessage());
  }

  /**
   * xl's real output on Xen 4.17 when QEMU for Xen cannot start: the cause, then libxl's clean-up errors, whose lines
   * differ when the destroy races the dying domain (the second capture). The third is the same failure of a domain
   * destroyed (xl destroy) while its device model was spawned: libxl's lines cannot tell it from the first two, so
   * the message names both causes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"xl-create-no-device-model.txt", "xl-create-no-device-model-racing-destroy.txt",
      "xl-create-destroyed-while-device-model-spawned.txt"})
  void createWithoutItsDeviceModelNamesItRatherThanLibxlsCleanUp(String capture) throws Exception {
    fake.answer("domid", 1, "", MISSING).answer("create", 3, Fixtures.resource("/xl/real/" + capture), "");
    Path log = tmp.resolve("xl-create.log");
    XlCommandException e = assertThrows(XlCommandException.class,
        () -> xl.create(Path.of("/p/xen/domain.cfg"), NAME, log, true));
    String m = e.getMessage();
    assertTrue(m.matches(".*Post DM startup configs failed, rc=-3 \\| libxl: error: libxl_create.c:1896:"
        + "domcreate_devmodel_started: Domain \\d+:device model did not start: -3 \\(QEMU for Xen.*"), m);
    assertTrue(m.contains("its log: /var/log/xen/qemu-dm-" + NAME + ".log; or the domain was destroyed from outside"
        + " (xl destroy, or another toolstack) while xl create was spawning it: libxl reports both alike)"), m);
    assertTrue(m.endsWith("[xl's output: " + log + "]"), m);
    for (String cleanUp : List.of("Device Model already exited", "Non-existant domain", "xc_domain_pause failed",
        "xc_domain_destroy failed", "following failed creation",
        "unable to get domain type", "Unable to destroy guest", "Destruction of domain failed")) {
      assertFalse(m.contains(cleanUp), cleanUp + " in: " + m);
    }
    assertFalse(m.contains("\n"), m);
  }

  /**
   * The lines libxl printed on Xen 4.17 when the domain was destroyed (xl destroy) while xl create was starting its
   * device model, and just after: the device model "did not start" because its domain was gone, and the message
   * must say so rather than send the operator to install QEMU.
   */
  @ParameterizedTest
  @ValueSource(strings = {"xl-create-destroyed-during-device-model-start.txt",
      "xl-create-destroyed-after-device-model-start.txt"})
  void createOfADomainDestroyedUnderItSaysSoNotThatQemuIsMissing(String capture) throws Exception {
    assertDestroyedFromOutside(capture, "(the domain " + NAME + " was destroyed from outside (xl destroy, or another"
        + " toolstack) while xl create was still setting it up)");
  }

  /**
   * Xen 4.17, xl destroy while xl create (paused, a pod with vifs) waited for the console: the cause libxl prints
   * ("Primary console has invalid configuration", "console tty: timed out") names no vanished domain, but its clean-up
   * found none to destroy ("Non-existant domain").
   */
  @Test
  void createOfADomainDestroyedWhileItsConsoleWasAwaitedSaysSo() throws Exception {
    assertDestroyedFromOutside("xl-create-destroyed-during-console-wait.txt", "(the domain " + NAME + " was already"
        + " gone when libxl cleaned up: it was destroyed from outside (xl destroy, or another toolstack) while xl"
        + " create was still setting it up)");
  }

  private void assertDestroyedFromOutside(String capture, String note) throws Exception {
    fake.answer("domid", 1, "", MISSING).answer("create", 3, Fixtures.resource("/xl/real/" + capture), "");
    Path log = tmp.resolve("xl-create.log");
    XlCommandException e = assertThrows(XlCommandException.class,
        () -> xl.create(Path.of("/p/xen/domain.cfg"), NAME, log, true));
    String m = e.getMessage();
    assertTrue(m.contains(note), m);
    assertFalse(m.contains("Non-existant domain"), "the clean-up's lines stay out: " + m);
    assertFalse(m.contains("is it installed?"), m);
    assertTrue(m.endsWith("[xl's output: " + log + "]"), m);
    assertFalse(m.contains("\n"), m);
  }

  @Test
  void createNeedsAnAbsoluteConfigPath() {
    assertThrows(IllegalArgumentException.class, () -> xl.create(Path.of("domain.cfg"), NAME, tmp.resolve("l"), true));
    assertEquals(List.of(), fake.calls());
  }

  @Test
  void shutdownWithAndWithoutWait() throws Exception {
    assertEquals(DomainOutcome.DONE, xl.shutdown(NAME, true, Duration.ofSeconds(5)));
    assertEquals(DomainOutcome.DONE, xl.shutdown(NAME, false, Duration.ofSeconds(5)));
    assertEquals(List.of(List.of("xl", "shutdown", "-w", NAME), List.of("xl", "shutdown", NAME)), fake.calls());
  }

  @Test
  void shutdownOrDestroyOfAMissingDomainIsNotFound() throws Exception {
    fake.answer("shutdown", 1, "", INVALID).answer("destroy", 1, "", INVALID).domainMissing();
    assertEquals(DomainOutcome.NOT_FOUND, xl.shutdown(NAME, true, Duration.ofSeconds(5)));
    assertEquals(DomainOutcome.NOT_FOUND, xl.destroy(NAME));
    assertEquals(List.of(List.of("xl", "shutdown", "-w", NAME), List.of("xl", "domid", NAME),
        List.of("xl", "destroy", NAME), List.of("xl", "domid", NAME)), fake.calls());
  }

  @Test
  void unpauseStartsTheDomainAndAMissingOneIsNotFound() throws Exception {
    assertEquals(DomainOutcome.DONE, xl.unpause(NAME));
    assertEquals(List.of(List.of("xl", "unpause", NAME)), fake.calls());
    fake.answer("unpause", 1, "", INVALID).domainMissing();
    assertEquals(DomainOutcome.NOT_FOUND, xl.unpause(NAME));
    fake.answer("unpause", 1, "", "libxl: error: xc_domain_unpause failed\n").answer("domid", 0, "12\n", "");
    XlCommandException e = assertThrows(XlCommandException.class, () -> xl.unpause(NAME));
    assertEquals("'xl unpause " + NAME + "' failed (exit 1): libxl: error: xc_domain_unpause failed", e.getMessage());
  }

  @Test
  void destroyFailingOnALiveDomainIsAnError() {
    fake.answer("destroy", 1, "", "libxl: error: libxl_domain.c:1137:domain_destroy_callback: Unable to destroy guest\n")
        .answer("domid", 0, "12\n", "");
    XlCommandException e = assertThrows(XlCommandException.class, () -> xl.destroy(NAME));
    assertEquals("'xl destroy " + NAME + "' failed (exit 1): libxl: error: libxl_domain.c:1137:"
        + "domain_destroy_callback: Unable to destroy guest", e.getMessage());
  }

  @Test
  void shutdownWaitThatHangsTimesOut() {
    fake.hang("shutdown");
    XlTimeoutException e = assertThrows(XlTimeoutException.class,
        () -> xl.shutdown(NAME, true, Duration.ofSeconds(1)));
    assertTrue(e.getMessage().startsWith("'xl shutdown -w " + NAME + "' did not finish within 1 s"), e.getMessage());
  }

  @Test
  void everyCallHasTheConfiguredTimeout() {
    fake.hang("domid").hang("list-l").hang("info").hang("destroy");
    CliXl quick = new CliXl(fake.runner(), Duration.ofMillis(300));
    assertThrows(XlTimeoutException.class, () -> quick.domid(NAME));
    assertThrows(XlTimeoutException.class, quick::list);
    assertThrows(XlTimeoutException.class, quick::info);
    assertThrows(XlTimeoutException.class, () -> quick.destroy(NAME));
  }

  @Test
  void aCrashingXlIsReportedWithItsSignal() {
    fake.crash("destroy").answer("domid", 0, "3\n", "");
    XlCommandException e = assertThrows(XlCommandException.class, () -> xl.destroy(NAME));
    assertEquals("'xl destroy " + NAME + "' was killed by signal 11 (SIGSEGV)", e.getMessage());
  }

  @Test
  void domidParsesOrReportsMissing() throws Exception {
    fake.answer("domid", 0, 0, "42\n", "").answer("domid", 1, 1, "", MISSING)
        .answer("domid", 2, 1, "", "xc: error: Could not obtain handle on privileged command interface\n")
        .answer("domid", 3, 0, "forty-two\n", "");
    assertEquals(OptionalInt.of(42), xl.domid(NAME));
    assertEquals(OptionalInt.empty(), xl.domid(NAME));
    XlCommandException e = assertThrows(XlCommandException.class, () -> xl.domid(NAME));
    assertTrue(e.getMessage().endsWith("Could not obtain handle on privileged command interface"), e.getMessage());
    XlException junk = assertThrows(XlException.class, () -> xl.domid(NAME));
    assertEquals("'xl domid " + NAME + "' printed 'forty-two', not a domain id", junk.getMessage());
  }

  @Test
  void listReadsTheJsonOfTheRealXl() throws Exception {
    fake.answer("list-l", 0, Fixtures.resource("/xl/real/xl-list-l-4.17.json"), "");
    assertEquals(List.of(new DomainSummary(0, "Domain-0", 1536, Optional.of("pv")),
        new DomainSummary(4, "dup", 128, Optional.of("pv"))), xl.list());
    assertEquals(List.of(List.of("xl", "list", "-l")), fake.calls());
  }

  @Test
  void listFallsBackToTheTableWhenXlPrintsNoJson() throws Exception {
    fake.answer("list-l", 0, "(domain (domid 0) (name Domain-0))\n", "")
        .answer("list", 0, Fixtures.resource("/xl/real/xl-list-4.17.txt"), "");
    List<DomainSummary> domains = xl.list();
    assertEquals(new DomainSummary(0, "Domain-0", 1536, Optional.empty()), domains.get(0));
    assertEquals(new DomainSummary(1, "n".repeat(64), 128, Optional.empty()), domains.get(1));
    assertEquals(List.of(List.of("xl", "list", "-l"), List.of("xl", "list")), fake.calls());
  }

  @Test
  void infoIsKeyValues() throws Exception {
    fake.answer("info", 0, "xen_version            : 4.17.7\nfree_memory            : 4544\n", "");
    Map<String, String> info = xl.info();
    assertEquals("4.17.7", info.get("xen_version"));
    assertEquals("4544", info.get("free_memory"));
  }

  @Test
  void consoleAndAttachedCreateRunOnTheTerminal() throws Exception {
    fake.answer("domid", 0, "5\n", "").answer("console", 0, "", "").answer("create", 0, "", "");
    assertEquals(0, xl.console(NAME, Duration.ofSeconds(5)));
    assertEquals(0, xl.createAttached(Path.of("/p/domain.cfg"), Duration.ofSeconds(5)));
    assertEquals(List.of(List.of("xl", "domid", NAME), List.of("xl", "console", NAME),
        List.of("xl", "create", "-c", "/p/domain.cfg")), fake.calls());
  }

  @Test
  void consoleOfAMissingDomainIsTyped() {
    fake.domainMissing();
    assertThrows(DomainNotFoundException.class, () -> xl.console(NAME, Duration.ofSeconds(5)));
  }

  @Test
  void missingXlIsOneLineNamingThePackage() throws IOException {
    Path empty = Files.createDirectory(tmp.resolve("empty-bin"));
    CliXl none = new CliXl(new SystemProcessRunner(Map.of("PATH", empty.toString())), Duration.ofSeconds(5));
    XlMissingException e = assertThrows(XlMissingException.class, () -> none.destroy(NAME));
    assertEquals(HostProbe.XL_MISSING, e.getMessage());
    assertThrows(XlMissingException.class, () -> none.console(NAME, Duration.ofSeconds(1)));
  }

  @Test
  void namesAreSingleArgumentsEvenWhenHostile() throws Exception {
    String hostile = "a b;$(id)\n--help";
    fake.answer("destroy", 0, "", "");
    xl.destroy(hostile);
    assertEquals(List.of(List.of("xl", "destroy", hostile)), fake.calls());
  }
}
