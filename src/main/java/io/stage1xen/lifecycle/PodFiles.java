package io.stage1xen.lifecycle;

import io.stage1xen.appc.AcName;
import io.stage1xen.pod.AtomicFile;
import io.stage1xen.pod.PodLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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

  /** Writes {@code pid}: the process rkt enter targets and whose mtime is the pod's start time. */
  void writePid(long pid) throws IOException {
    AtomicFile.replace(layout.pidFile(), Long.toString(pid), StandardCharsets.US_ASCII);
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
