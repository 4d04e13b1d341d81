package io.stage1xen.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The measured side of docs/RELIABILITY.md: the fuzz, fault and concurrency tests append one line per category
 * (or scenario) to {@code target/reliability/<suite>.tsv}, which tests/reliability/report.sh turns into the tables.
 * Columns: suite, category, cases tried, cases passed, seconds, a note.
 */
public final class ReliabilityLog {
  /** Where Maven runs the tests from (the project directory). */
  static final Path DIRECTORY = Path.of("target", "reliability");

  private final Path file;

  private ReliabilityLog(Path file) {
    this.file = file;
  }

  /** A fresh log for one suite: what an earlier run of that suite wrote is replaced. */
  public static ReliabilityLog start(String suite) {
    Objects.requireNonNull(suite, "suite");
    if (!suite.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("suite names are file names: " + suite);
    }
    Path file = DIRECTORY.resolve(suite + ".tsv");
    try {
      Files.createDirectories(DIRECTORY);
      Files.writeString(file, "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ReliabilityLog(file);
  }

  /** One row; tabs and line breaks in the note become spaces so that each row stays one line. */
  public synchronized void row(String suite, String category, long tried, long passed, double seconds, String note) {
    String line = String.join("\t", suite, category, Long.toString(tried), Long.toString(passed),
        String.format(java.util.Locale.ROOT, "%.1f", seconds), note.replaceAll("[\\t\\r\\n]+", " ")) + "\n";
    try {
      Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
