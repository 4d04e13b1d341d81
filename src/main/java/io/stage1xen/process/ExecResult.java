package io.stage1xen.process;

import java.util.function.Predicate;

/** What a finished process left: its exit code and its captured output (empty when redirected to a file). */
public record ExecResult(Command command, int exitCode, String stdout, String stderr) {

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** Returns this result, or throws with argv and the stderr tail when the exit code is not 0. */
  public ExecResult requireSuccess() throws ProcessFailedException {
    if (exitCode != 0) {
      throw new ProcessFailedException(this);
    }
    return this;
  }

  /** What the process said: stderr, or stdout when stderr is empty. */
  public String output() {
    return stderr.isBlank() ? stdout : stderr;
  }

  /** The last lines of {@link #output()}, folded into one line for an error message. */
  public String outputTail() {
    return outputTail(line -> false);
  }

  /**
   * Like {@link #outputTail()}, over the lines before the first one that {@code cleanupStart} matches (all of them
   * when none does, or when the first line does): a tool that cleans up after a failure reports the clean-up's own
   * errors last, in an order that varies with timing, and those would hide the cause.
   */
  public String outputTail(Predicate<String> cleanupStart) {
    String[] lines = output().strip().split("\n");
    int to = 0;
    while (to < lines.length && !cleanupStart.test(lines[to])) {
      to++;
    }
    if (to == 0) {
      to = lines.length; // nothing before the clean-up: that is all there is to show
    }
    int from = Math.max(0, to - 3);
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      if (sb.length() > 0) {
        sb.append(" | ");
      }
      sb.append(lines[i].strip());
    }
    String tail = sb.toString();
    return tail.length() > 400 ? "…" + tail.substring(tail.length() - 400) : tail;
  }
}
