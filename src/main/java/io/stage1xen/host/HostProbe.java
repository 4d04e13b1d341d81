package io.stage1xen.host;

import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ExecutableNotFoundException;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import io.stage1xen.process.ProcessTimeoutException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Reads the host facts: {@code <root>/proc/cpuinfo} and {@code xl info} (through the process runner). The root
 * is {@code /} in production and a temporary tree in tests.
 */
public final class HostProbe {
  /** The one line printed when xl is not installed; the xen package (xen) reuses it. */
  public static final String XL_MISSING = "'xl' not found on PATH: install the Xen tools (Debian: xen-utils, e.g."
      + " xen-utils-4.17 on bookworm) and run stage1-xen in the Xen dom0";

  private final ProcessRunner runner;
  private final Path root;
  private final Duration timeout;

  public HostProbe(ProcessRunner runner, Path root, Duration timeout) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.root = Objects.requireNonNull(root, "root");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  public HostInfo probe() throws HostException, InterruptedException {
    CpuFlags cpu = readCpuFlags();
    return XlInfoParser.parse(xlInfo(), cpu);
  }

  /** cpuinfo is only a fallback, so an unreadable file is not an error: it means "nothing known". */
  CpuFlags readCpuFlags() {
    try {
      return CpuFlags.parse(Files.readString(root.resolve("proc/cpuinfo"), StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      return CpuFlags.UNKNOWN;
    }
  }

  private String xlInfo() throws HostException, InterruptedException {
    Command command = Command.of(timeout, "xl", "info");
    ExecResult result;
    try {
      result = runner.run(command);
    } catch (ExecutableNotFoundException e) {
      throw new HostException(XL_MISSING, e);
    } catch (ProcessTimeoutException e) {
      throw new HostException("'xl info' did not answer within " + timeout.toSeconds() + " s: are xenstored and the"
          + " Xen services running in this dom0?", e);
    } catch (ProcessException e) {
      throw new HostException(e.getMessage(), e);
    }
    if (result.succeeded()) {
      return result.stdout();
    }
    String tail = result.outputTail().isEmpty() ? "" : ": " + result.outputTail();
    if (!Files.isDirectory(root.resolve("proc/xen"))) {
      throw new HostException("'xl info' failed (exit " + result.exitCode() + ") and " + root.resolve("proc/xen")
          + " does not exist: this machine is not running as a Xen dom0" + tail);
    }
    throw new HostException("'xl info' failed (exit " + result.exitCode() + "): are the Xen services (xenstored,"
        + " xenconsoled) running and is stage1-xen running as root?" + tail);
  }
}
