package io.stage1xen.xen;

import io.stage1xen.process.ExecResult;
import java.util.Map;
import java.util.regex.Pattern;

/** xl ran and failed: a non-zero exit, or killed by a signal. */
public class XlCommandException extends XlException {
  private static final long serialVersionUID = 1L;
  private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL",
      6, "SIGABRT", 7, "SIGBUS", 8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");
  /**
   * The first of libxl's errors from destroying the half-made domain (libxl__kill_xs_path, libxl__destroy_domid,
   * destroy_domid_pci_done…); the ones after it (libxl__domain_type, domain_destroy_cb…) vary with timing.
   */
  private static final Pattern LIBXL_CLEANUP = Pattern.compile("^libxl: error: [^:]*:\\d+:\\w*(destroy|kill)\\w*:");
  /**
   * libxl looking up a domain it is still building and finding none: someone destroyed it under xl create (the
   * device model then "did not start" only because its domain was gone, so QEMU is not to blame).
   */
  private static final String VANISHED = "unable to find domain info for domain";
  /**
   * libxl's clean-up after a failed create found no domain to destroy: it was gone before (measured on Xen 4.17 with
   * xl destroy while xl create waited for the console, whose failure names no domain that vanished). Asked only when
   * the cause is not the device model's: a QEMU that could not start leaves the same clean-up line at times.
   */
  private static final Pattern GONE_BEFORE_CLEANUP = Pattern.compile(
      "libxl__destroy_domid: Domain \\d+:Non-existant domain");
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

  /**
   * A failed {@code xl create}: libxl's last errors before it began to clean up (its clean-up errors come after the
   * cause and name none), where xl's whole output is, and what to check when the device model did not start.
   */
  public static XlCommandException ofCreate(ExecResult result, String domainName) {
    String tail = result.outputTail(line -> LIBXL_CLEANUP.matcher(line).find());
    StringBuilder sb = new StringBuilder(describe(result, tail));
    if (tail.contains(VANISHED)) {
      sb.append(" (the domain ").append(domainName).append(" was destroyed from outside (xl destroy, or another"
          + " toolstack) while xl create was still setting it up)");
    } else if (tail.contains("device model")) {
      // libxl prints the same lines when the device model could not run and when the domain was destroyed while
      // it was being spawned (both measured on Xen 4.17), so both causes are named
      sb.append(" (QEMU for Xen, the device model that serves the pod's 9p shares and channels, did not start:"
          + " is it installed? its log: /var/log/xen/qemu-dm-").append(domainName).append(".log; or the domain was"
          + " destroyed from outside (xl destroy, or another toolstack) while xl create was spawning it: libxl"
          + " reports both alike)");
    } else if (GONE_BEFORE_CLEANUP.matcher(result.output()).find()) {
      sb.append(" (the domain ").append(domainName).append(" was already gone when libxl cleaned up: it was"
          + " destroyed from outside (xl destroy, or another toolstack) while xl create was still setting it up)");
    }
    if (result.command().outputFile() != null) {
      sb.append(" [xl's output: ").append(result.command().outputFile()).append(']');
    }
    return new XlCommandException(sb.toString(), result.exitCode());
  }

  static String describe(ExecResult result) {
    return describe(result, result.outputTail());
  }

  private static String describe(ExecResult result, String tail) {
    int code = result.exitCode();
    String how = code > 128 && code < 160
        ? "was killed by signal " + (code - 128) + " (" + SIGNALS.getOrDefault(code - 128, "?") + ")"
        : "failed (exit " + code + ")";
    return "'" + result.command().display() + "' " + how + (tail.isEmpty() ? "" : ": " + tail);
  }
}
