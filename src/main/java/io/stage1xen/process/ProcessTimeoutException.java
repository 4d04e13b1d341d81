package io.stage1xen.process;

/** A process did not finish within its command's timeout; it has been killed. */
public class ProcessTimeoutException extends ProcessException {
  private static final long serialVersionUID = 1L;

  public ProcessTimeoutException(Command command, String stderrTail) {
    super("'" + command.display() + "' did not finish within " + command.timeout().toSeconds()
        + " s and was killed" + (stderrTail.isBlank() ? "" : ": " + stderrTail));
  }
}
