package io.stage1xen.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stage1xen.appc.AcName;
import io.stage1xen.pod.PodLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files rkt reads back, written whole or not at all, and a failure that names the file. */
class PodFilesTest {
  @TempDir Path tmp;

  @Test
  void pidAndStatusAreWrittenWhole() throws Exception {
    PodLayout layout = PodLayout.of(tmp);
    PodFiles files = new PodFiles(layout);
    files.stagePid(4242);
    assertFalse(Files.exists(layout.pidFile()), "rkt sees no pid before the pod is ready");
    files.publishPid(java.time.Instant.ofEpochSecond(1_700_000_000));
    files.writeStatus(AcName.of("app"), 7);
    assertEquals("4242", Files.readString(layout.pidFile()));
    assertEquals(1_700_000_000_000L, Files.getLastModifiedTime(layout.pidFile()).toMillis(), "rkt's started");
    assertEquals("7", Files.readString(layout.appStatus(AcName.of("app"))));
  }

  /** Regression (fault injection, disk full): the message was only "No space left on device". */
  @Test
  void aFullDiskIsReportedWithTheFilesPath() throws Exception {
    Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full");
    PodLayout layout = PodLayout.of(tmp);
    Path tmpFile = layout.pidFile().resolveSibling(".pid.tmp");
    Files.createSymbolicLink(tmpFile, Path.of("/dev/full")); // every write to it fails with ENOSPC

    IOException e = assertThrows(IOException.class, () -> new PodFiles(layout).stagePid(4242));

    assertEquals("cannot write " + layout.pidFile() + ": No space left on device", e.getMessage());
    assertFalse(Files.exists(layout.pidFile(), LinkOption.NOFOLLOW_LINKS), "no half-written pid");
    assertFalse(Files.exists(tmpFile, LinkOption.NOFOLLOW_LINKS), "nor its temporary file");
  }
}
