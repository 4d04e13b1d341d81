package io.stage1xen.process;

/** Base of every failure to run a process; the message is one line a person can act on. */
public class ProcessException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProcessException(String message) {
    super(message);
  }

  public ProcessException(String message, Throwable cause) {
    super(message, cause);
  }
}
