package io.stage1xen.lifecycle;

import io.stage1xen.appc.AcName;
import io.stage1xen.pod.AtomicFile;
import io.stage1xen.pod.PodLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * The files rkt reads back from a pod: {@code pid}, {@code rkt/status/<app>} and {@code rkt/supervisor-status}.
 * Every write is a rename of a complete temporary file in the same directory, so rkt never reads half a number and
 * a crash never leaves a partial file behind.
 */
final class PodFiles {
  /** rkt's stage1s point this link at "ready"; rkt only checks that it resolves to that name. */
  static final String READY = "ready";

  private final PodLayout layout;

  PodFiles(PodLayout layout) {
    this.layout = layout;
  }

  /**
   * Writes {@code pid} (the process rkt enter targets) aside, while the pod starts: rkt must not see it before the
   * apps run, and making it rkt's then is a rename, which a full disk cannot fail once the apps run.
   */
  void stagePid(long pid) throws IOException {
    AtomicFile.stage(layout.pidFile(), Long.toString(pid), StandardCharsets.US_ASCII);
  }

  /** Makes the staged pid rkt's; its mtime, rkt's "started", becomes {@code now}. */
  void publishPid(Instant now) throws IOException {
    Path staged = AtomicFile.staged(layout.pidFile());
    Files.setLastModifiedTime(staged, FileTime.from(now));
    AtomicFile.move(staged, layout.pidFile());
  }

  /** A start that failed leaves no staged pid behind. */
  void discardStagedPid() throws IOException {
    Files.deleteIfExists(AtomicFile.staged(layout.pidFile()));
  }

  /** Writes an app's exit status the way rkt parses it (decimal, no newline). */
  void writeStatus(AcName app, int code) throws IOException {
    Files.createDirectories(layout.statusDirectory());
    AtomicFile.replace(layout.appStatus(app), Integer.toString(code), StandardCharsets.US_ASCII);
  }

  void markSupervisorReady() throws IOException {
    Path link = layout.supervisorStatus();
    Files.createDirectories(link.getParent());
    Path tmp = link.resolveSibling("." + link.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(READY));
    AtomicFile.move(tmp, link);
  }

}
