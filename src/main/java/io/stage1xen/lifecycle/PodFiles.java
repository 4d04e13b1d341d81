package io.stage1xen.lifecycle;

import io.stage1xen.appc.AcName;
import io.stage1xen.pod.PodLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
    replace(layout.pidFile(), Long.toString(pid));
  }

  /** Writes an app's exit status the way rkt parses it (decimal, no newline). */
  void writeStatus(AcName app, int code) throws IOException {
    Files.createDirectories(layout.statusDirectory());
    replace(layout.appStatus(app), Integer.toString(code));
  }

  void markSupervisorReady() throws IOException {
    Path link = layout.supervisorStatus();
    Files.createDirectories(link.getParent());
    Path tmp = link.resolveSibling("." + link.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(READY));
    move(tmp, link);
  }

  private static void replace(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      move(tmp, target);
    } catch (FileSystemException e) {
      throw e;
    } catch (IOException e) {
      // a failed write (a full disk) names no file by itself
      throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
