package io.stage1xen.lifecycle;

import io.stage1xen.pod.AtomicFile;
import io.stage1xen.pod.PodLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run supervisor's record, {@code xen/supervisor}: written at its very first step, so that stop finds it while
 * the pod is still starting (rkt's {@code pid} file only appears once the pod is ready), and removed at its last.
 * {@code readyBy} is the instant by which the supervisor has the pod ready or gives up on it, once it is known; enter
 * waits for a starting pod until then. Two lines, {@code pid=N} and {@code ready-by=<epoch milliseconds>}.
 */
record SupervisorRecord(long pid, Optional<Instant> readyBy) {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisorRecord.class);

  SupervisorRecord {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid: " + pid + " is not a process id");
    }
    readyBy = readyBy == null ? Optional.empty() : readyBy;
  }

  void write(PodLayout layout) throws IOException {
    Files.createDirectories(layout.xenDirectory());
    AtomicFile.replace(layout.supervisorRecord(), "pid=" + pid + "\n"
        + readyBy.map(t -> "ready-by=" + t.toEpochMilli() + "\n").orElse(""), StandardCharsets.US_ASCII);
  }

  /**
   * Writes the record, best effort: without it (a full disk, say) the pod still runs; a stop during its start then
   * goes by its marker and enter waits by the default settings.
   */
  static void note(Stage1Environment env, PodLayout layout, Optional<Instant> readyBy) {
    try {
      new SupervisorRecord(env.pid(), readyBy).write(layout);
    } catch (IOException e) {
      LOG.warn("{} (stop and enter find this run by it while the pod starts)", e.getMessage());
    }
  }

  static void remove(PodLayout layout) {
    try {
      Files.deleteIfExists(layout.supervisorRecord());
    } catch (IOException e) {
      LOG.debug("could not remove {}: {}", layout.supervisorRecord(), e.getMessage());
    }
  }

  /** The record, when there is one that reads as one (a broken one is logged and ignored). */
  static Optional<SupervisorRecord> read(PodLayout layout) throws IOException {
    Path file = layout.supervisorRecord();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    long pid = 0;
    Optional<Instant> readyBy = Optional.empty();
    try {
      for (String line : text.split("\n")) {
        if (line.startsWith("pid=")) {
          pid = Long.parseLong(line.substring(4));
        } else if (line.startsWith("ready-by=")) {
          readyBy = Optional.of(Instant.ofEpochMilli(Long.parseLong(line.substring(9))));
        }
      }
      return Optional.of(new SupervisorRecord(pid, readyBy));
    } catch (IllegalArgumentException e) {
      LOG.warn("{} holds '{}', not a supervisor record; ignoring it", file, text.strip().replace('\n', ' '));
      return Optional.empty();
    }
  }

  /**
   * The record of a supervisor that is alive: its working directory is the pod directory (rkt starts it there),
   * which also rules out a pid that was recycled since.
   */
  static Optional<SupervisorRecord> live(Stage1Environment env, PodLayout layout) throws IOException {
    Optional<SupervisorRecord> record = read(layout);
    if (record.isEmpty()) {
      return record;
    }
    try {
      Path cwd = Files.readSymbolicLink(env.proc().resolve(Long.toString(record.get().pid())).resolve("cwd"));
      return cwd.equals(layout.root().toRealPath()) ? record : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // gone, or not ours to look at
    }
  }
}
