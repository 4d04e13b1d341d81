package io.stage1xen.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stage1xen.testing.RecordingRunner;
import io.stage1xen.testing.ScriptedXl;
import io.stage1xen.xen.DomainSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which processes of a host's /proc are the pod's device model that outlived its domain, over a temporary tree: the
 * QEMU command line libxl builds (as seen on Xen 4.17) with its output in the pod's QEMU log.
 */
class OrphanDeviceModelsTest {
  private static final String NAME = "rkt-0c84bbb0-4846-4f7b-af99-0f40e8ef0152";

  @TempDir
  Path root;
  private Path xenLogs;
  private Path createLog;

  @BeforeEach
  void logs() throws IOException {
    xenLogs = Files.createDirectories(root.resolve("var/log/xen"));
    createLog = root.resolve("xl-create.log");
    // what xl create printed when the domain was destroyed as it spawned QEMU (captured on Xen 4.17)
    Files.writeString(createLog, "Parsing config from /pods/x/xen/domain.cfg\n"
        + "libxl: error: libxl_console.c:271:libxl__device_console_add: Domain 12:Primary console has invalid"
        + " configuration\n");
  }

  /** A process in the fake /proc: its argv and where its stdout and stderr go. */
  private void process(long pid, Path output, String... argv) throws IOException {
    Path dir = Files.createDirectories(root.resolve("proc").resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("cmdline"), String.join("\0", argv) + "\0", StandardCharsets.ISO_8859_1);
    Path fd = Files.createDirectories(dir.resolve("fd"));
    Files.createSymbolicLink(fd.resolve("1"), output);
    Files.createSymbolicLink(fd.resolve("2"), output);
  }

  private Path dmLog(String name) {
    return xenLogs.resolve("qemu-dm-" + name + ".log");
  }

  private void qemu(long pid, int domid, Path output) throws IOException {
    process(pid, output, "/usr/libexec/xen-qemu-system-i386", "-xen-domid", Integer.toString(domid), "-no-shutdown",
        "-chardev", "socket,id=libxl-cmd,path=/var/run/xen/qmp-libxl-" + domid + ",server=on,wait=off",
        "-xen-attach", "-name", "rkt-x", "-machine", "xenpv", "-m", "161");
  }

  @Test
  void theDomainIdsComeFromXlsMonitorLogAndLibxlsErrors() throws IOException {
    Path monitor = xenLogs.resolve("xl-" + NAME + ".log");
    Files.writeString(monitor, "Waiting for domain " + NAME + " (domid 14) to die [pid 2306]\n");
    assertEquals(Set.of(12, 14), OrphanDeviceModels.domainIds(monitor, createLog, root.resolve("missing.log")));
  }

  @Test
  void onlyTheQemuOfThatDomainWritingThePodsLogIsFound() throws IOException {
    qemu(1121, 12, dmLog(NAME));
    qemu(1200, 13, dmLog(NAME)); // another id
    qemu(1300, 12, dmLog("rkt-other")); // another pod's QEMU
    process(1400, dmLog(NAME), "/bin/sh", "-c", "echo -xen-domid 12"); // the words, not the argument
    process(1500, dmLog(NAME), "/usr/bin/tail", "-xen-domid", "120");
    Files.createDirectories(root.resolve("proc/self"));
    Files.createDirectories(root.resolve("proc/sys"));

    assertEquals(List.of(1121L), OrphanDeviceModels.deviceModelsOf(root.resolve("proc"), 12, dmLog(NAME)));
  }

  @Test
  void aLogThatWasRotatedOrDeletedStillCounts() throws IOException {
    qemu(1121, 12, Path.of(dmLog(NAME) + " (deleted)"));
    assertEquals(List.of(1121L), OrphanDeviceModels.deviceModelsOf(root.resolve("proc"), 12, dmLog(NAME)));
  }

  @Test
  void theOrphanIsEndedOnceItsDomainIsGone() throws Exception {
    qemu(1121, 12, dmLog(NAME));
    RecordingRunner runner = new RecordingRunner();
    ScriptedXl xl = new ScriptedXl(call -> OptionalInt.empty(), List.of(domain(0, "Domain-0")));

    List<Long> ended = reaper(runner, xl).reap(createLog);

    assertEquals(List.of(1121L), ended);
    assertEquals(List.of(1121L), runner.terminated());
  }

  @Test
  void aDomainThatStillExistsKeepsItsQemu() throws Exception {
    qemu(1121, 12, dmLog(NAME));
    RecordingRunner runner = new RecordingRunner();
    ScriptedXl xl = new ScriptedXl(call -> OptionalInt.of(12), List.of(domain(12, NAME)));

    assertEquals(List.of(), reaper(runner, xl).reap(createLog));
    assertEquals(List.of(), runner.terminated());
  }

  @Test
  void anIdTakenAgainByAnotherDomainKeepsItsQemu() throws Exception {
    qemu(1121, 12, dmLog(NAME));
    RecordingRunner runner = new RecordingRunner();
    ScriptedXl xl = new ScriptedXl(call -> OptionalInt.empty(), List.of(domain(12, "rkt-other")));

    assertEquals(List.of(), reaper(runner, xl).reap(createLog));
    assertEquals(List.of(), runner.terminated());
  }

  @Test
  void withoutACandidateXlIsNotAsked() throws Exception {
    RecordingRunner runner = new RecordingRunner();
    ScriptedXl xl = new ScriptedXl(call -> {
      throw new AssertionError("xl domid asked with no device model in /proc");
    }, List.of());
    Files.createDirectories(root.resolve("proc/1"));

    assertEquals(List.of(), reaper(runner, xl).reap(createLog));
  }

  private OrphanDeviceModels reaper(RecordingRunner runner, ScriptedXl xl) {
    return new OrphanDeviceModels(DomainInquestTest.environment(root, runner), xl, NAME);
  }

  private static DomainSummary domain(int id, String name) {
    return new DomainSummary(id, name, 128, Optional.empty());
  }
}
