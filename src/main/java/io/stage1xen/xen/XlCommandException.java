package io.stage1xen.xen;

import io.stage1xen.process.ExecResult;
import java.util.Map;

/** xl ran and failed: a non-zero exit, or killed by a signal. */
public class XlCommandException extends XlException {
  private static final long serialVersionUID = 1L;
  private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL",
      6, "SIGABRT", 7, "SIGBUS", 8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");
  private final int exitCode;

  public XlCommandException(ExecResult result) {
    this(describe(result), result.exitCode());
  }

  protected XlCommandException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  static String describe(ExecResult result) {
    int code = result.exitCode();
    String how = code > 128 && code < 160
        ? "was killed by signal " + (code - 128) + " (" + SIGNALS.getOrDefault(code - 128, "?") + ")"
        : "failed (exit " + code + ")";
    String tail = result.outputTail();
    return "'" + result.command().display() + "' " + how + (tail.isEmpty() ? "" : ": " + tail);
  }
}
