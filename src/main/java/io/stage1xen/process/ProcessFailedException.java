package io.stage1xen.process;

/** A process ran and exited non-zero (or was killed by a signal). */
public class ProcessFailedException extends ProcessException {
  private static final long serialVersionUID = 1L;
  private final transient ExecResult result;

  public ProcessFailedException(ExecResult result) {
    super("'" + result.command().display() + "' exited with " + result.exitCode()
        + (result.outputTail().isEmpty() ? "" : ": " + result.outputTail()));
    this.result = result;
  }

  public ExecResult result() {
    return result;
  }
}
