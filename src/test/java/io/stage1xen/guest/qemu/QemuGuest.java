package io.stage1xen.guest.qemu;

import io.stage1xen.guest.ControlChannel;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.guest.UnixSocketLink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The built kernel and initrd booted under plain QEMU (software emulation), with the control channel on a
 * virtconsole and each app root exported over virtio 9p: the guest init is the one that runs under Xen, only
 * the transport differs ({@code s1x.transport=virtio}).
 */
final class QemuGuest implements AutoCloseable {
  static final Duration BOOT_TIMEOUT = Duration.ofSeconds(150);

  private final Process qemu;
  private final Path serialLog;
  private final UnixSocketLink link;
  final ControlChannel channel;
  final RecordingEvents events = new RecordingEvents();
  final long startNanos = System.nanoTime();

  /**
   * A directory exported over virtio 9p; {@code readOnly} makes QEMU refuse every write (EROFS); the security model
   * is QEMU's {@code security_model} (none, mapped-xattr, mapped-file), as stage1-xen writes it into xl.cfg.
   */
  record Export(String tag, Path path, boolean readOnly, String securityModel) {
    Export(String tag, Path path, boolean readOnly) {
      this(tag, path, readOnly, "none");
    }
  }

  /** @param roots exported as tags app0, app1, … in this order */
  QemuGuest(GuestArtifacts guest, Path workDir, int memoryMb, List<Path> roots, boolean debug)
      throws IOException, InterruptedException {
    this(guest, workDir, memoryMb, appExports(roots), debug, List.of(), List.of());
  }

  static List<Export> appExports(List<Path> roots) {
    List<Export> out = new ArrayList<>();
    for (int i = 0; i < roots.size(); i++) {
      out.add(new Export("app" + i, roots.get(i), false));
    }
    return out;
  }

  /** A guest with the given app roots and extra QEMU options per network interface (a netdev with its device). */
  static QemuGuest withNics(GuestArtifacts guest, Path workDir, int memoryMb, List<Path> roots, boolean debug,
      List<List<String>> nics) throws IOException, InterruptedException {
    return new QemuGuest(guest, workDir, memoryMb, appExports(roots), debug, List.of(), nics);
  }

  /**
   * @param exports the 9p shares, in this order
   * @param wrapper argv that starts QEMU (its argv appended), e.g. unshare(1) with mounts made first; empty for none
   * @param nics extra QEMU options per network interface (e.g. a user-mode netdev with a virtio-net device)
   */
  QemuGuest(GuestArtifacts guest, Path workDir, int memoryMb, List<Export> exports, boolean debug,
      List<String> wrapper, List<List<String>> nics) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path sock = workDir.resolve("ctl.sock");
    serialLog = workDir.resolve("serial.log");
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.addAll(List.of("qemu-system-x86_64", "-nodefaults", "-no-reboot", "-display", "none",
        "-machine", "pc,accel=tcg", "-smp", "1", "-m", Integer.toString(memoryMb),
        "-kernel", opt(guest.kernel()), "-initrd", opt(guest.initrd()),
        "-append", "console=ttyS0 s1x.ctl=/dev/hvc0 s1x.transport=virtio" + (debug ? " s1x.debug" : ""),
        "-serial", "file:" + opt(serialLog),
        "-device", "virtio-serial-pci,id=vs0",
        "-chardev", "socket,id=ctl,path=" + opt(sock) + ",server=on,wait=off",
        "-device", "virtconsole,chardev=ctl,bus=vs0.0"));
    for (int i = 0; i < exports.size(); i++) {
      Export e = exports.get(i);
      cmd.addAll(List.of("-fsdev", "local,id=fs" + i + ",path=" + opt(e.path()) + ",security_model=" + e.securityModel()
          + (e.readOnly() ? ",readonly=on" : ""), "-device", "virtio-9p-pci,fsdev=fs" + i + ",mount_tag=" + e.tag()));
    }
    nics.forEach(cmd::addAll);
    qemu = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(workDir.resolve("qemu.out").toFile()).start();
    link = connect(sock);
    channel = new ControlChannel(link.in(), link.out(), events);
  }

  /** QEMU's option syntax doubles commas inside a value. */
  private static String opt(Path p) {
    return p.toAbsolutePath().toString().replace(",", ",,");
  }

  private UnixSocketLink connect(Path sock) throws IOException, InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return UnixSocketLink.connect(sock);
      } catch (IOException e) {
        if (!qemu.isAlive() || System.nanoTime() > end) {
          throw new IOException("QEMU's control socket never appeared: " + qemuOutput(), e);
        }
        Thread.sleep(20);
      }
    }
  }

  void start(PodPlan plan) {
    channel.start(plan);
  }

  /** Waits for the guest to power off and QEMU to exit; returns QEMU's exit code. */
  int awaitPoweroff(Duration timeout) throws InterruptedException, IOException {
    if (!events.awaitPoweroff(timeout)) {
      throw new AssertionError("no POWEROFF within " + timeout + "; timeline " + events.timeline() + "\n" + diagnostics());
    }
    if (!qemu.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("QEMU still running 30 s after POWEROFF\n" + diagnostics());
    }
    return qemu.exitValue();
  }

  boolean qemuAlive() {
    return qemu.isAlive();
  }

  String serial() throws IOException {
    return Files.exists(serialLog) ? Files.readString(serialLog, StandardCharsets.ISO_8859_1) : "";
  }

  String diagnostics() throws IOException {
    String s = serial();
    return "--- serial (tail) ---\n" + s.substring(Math.max(0, s.length() - 4000)) + "\n--- qemu ---\n" + qemuOutput()
        + "\n--- logs ---\n" + events.logs() + "\n--- timeline ---\n" + events.timeline()
        + (events.closedWith == null ? "" : "\n--- link closed by ---\n" + events.closedWith);
  }

  private String qemuOutput() {
    try {
      Path out = serialLog.resolveSibling("qemu.out");
      return Files.exists(out) ? Files.readString(out, StandardCharsets.ISO_8859_1).strip() : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      channel.close();
    } finally {
      link.close();
      if (qemu.isAlive()) {
        qemu.destroy();
        if (!qemu.waitFor(5, TimeUnit.SECONDS)) {
          qemu.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }
}
