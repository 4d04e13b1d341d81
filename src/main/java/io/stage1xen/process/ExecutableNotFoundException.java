package io.stage1xen.process;

/** The program of a command is not on PATH (or an absolute path that does not name an executable). */
public class ExecutableNotFoundException extends ProcessException {
  private static final long serialVersionUID = 1L;

  public ExecutableNotFoundException(String program, String searched) {
    super("'" + program + "' not found (searched " + searched + ")");
  }
}
