package io.stage1xen.process;

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

  /** The last lines of stderr (or stdout when stderr is empty), folded into one line for an error message. */
  public String outputTail() {
    String text = stderr.isBlank() ? stdout : stderr;
    String[] lines = text.strip().split("\n");
    int from = Math.max(0, lines.length - 3);
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < lines.length; i++) {
      if (sb.length() > 0) {
        sb.append(" | ");
      }
      sb.append(lines[i].strip());
    }
    String tail = sb.toString();
    return tail.length() > 400 ? "…" + tail.substring(tail.length() - 400) : tail;
  }
}
