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
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the host facts: {@code <root>/proc/cpuinfo} and {@code xl info} (through the process runner). The root
 * is {@code /} in production and a temporary tree in tests.
 *
 * <p>Most of what xl info says (Xen's version, {@code virt_caps}, {@code xen_caps}, CPUs, total memory) cannot
 * change until Xen reboots, and dom0 reboots with it; an xl process is a measurable part of a pod's start (0.17-0.24
 * s of a dom0 under emulation, docs/BENCHMARKS.md). So the first pod of a boot keeps xl info's answer in
 * {@code <root>/run/stage1-xen/xl-info} (a tmpfs, root's only: gone at the next boot) under dom0's boot id, and the
 * pods after it read that instead. Free memory is the one fact that does not keep: it is left out of the cache, and a
 * pod started from the cache learns that Xen is short of memory from xl create, then asks {@link #probeNow}.
 */
public final class HostProbe {
  private static final Logger LOG = LoggerFactory.getLogger(HostProbe.class);
  /** The one line of xl info that is about now, not about this boot of Xen. */
  private static final String FREE_MEMORY = "free_memory";

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

  /** The facts of this boot from the cache when it has them (no free memory then), from xl info otherwise. */
  public HostInfo probe() throws HostException, InterruptedException {
    CpuFlags cpu = readCpuFlags();
    Optional<String> boot = bootId();
    Optional<HostInfo> cached = boot.flatMap(id -> readCache(id, cpu));
    return cached.isPresent() ? cached.get() : ask(cpu, boot);
  }

  /** The facts from xl info now, free memory included; the cache is refreshed with them. */
  public HostInfo probeNow() throws HostException, InterruptedException {
    return ask(readCpuFlags(), bootId());
  }

  private HostInfo ask(CpuFlags cpu, Optional<String> boot) throws HostException, InterruptedException {
    String text = xlInfo();
    HostInfo host = XlInfoParser.parse(text, cpu);
    boot.ifPresent(id -> writeCache(id, text));
    return host;
  }

  Path cacheFile() {
    return root.resolve("run/stage1-xen/xl-info");
  }

  /** dom0's boot id: a new one means a new boot of Xen too. Without it nothing is cached. */
  private Optional<String> bootId() {
    try {
      String id = Files.readString(root.resolve("proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).strip();
      return id.matches("[0-9a-f-]{36}") ? Optional.of(id) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The cache's first line names the boot it was written in; a cache of another boot, or unreadable, is ignored. */
  private Optional<HostInfo> readCache(String boot, CpuFlags cpu) {
    Path file = cacheFile();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    String header = "boot_id " + boot + "\n";
    if (!text.startsWith(header)) {
      LOG.debug("{} is from another boot of the host: asking xl info", file);
      return Optional.empty();
    }
    try {
      HostInfo host = XlInfoParser.parse(text.substring(header.length()), cpu, false);
      LOG.debug("host facts from {} (xl info of this boot, {}); Xen's free memory not asked", file, boot);
      return Optional.of(host);
    } catch (HostException e) {
      LOG.debug("{} does not parse ({}): asking xl info", file, e.getMessage());
      return Optional.empty();
    }
  }

  /** Written whole or not at all (a rename), so that pods starting at once never read half of it. */
  private void writeCache(String boot, String xlInfo) {
    Path file = cacheFile();
    Path tmp = null;
    try {
      Files.createDirectories(file.getParent(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      String kept = xlInfo.lines().filter(l -> !l.startsWith(FREE_MEMORY)).collect(Collectors.joining("\n"));
      tmp = Files.createTempFile(file.getParent(), "xl-info", ".tmp");
      Files.writeString(tmp, "boot_id " + boot + "\n" + kept + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      LOG.debug("xl info kept for the next pods of this boot in {}", file);
    } catch (IOException e) {
      // only a cost: the next pod asks xl again
      LOG.debug("cannot keep xl info in {}: {}", file, e.toString());
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // nothing more to undo
        }
      }
    }
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
