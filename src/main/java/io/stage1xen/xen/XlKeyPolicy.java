package io.stage1xen.xen;

import io.stage1xen.outcome.Stage1Failure;
import java.util.Map;
import java.util.Set;

/**
 * Which xl.cfg keys an operator may add through {@code extra =} lines in host.conf or the
 * {@code stage1-xen/xl-config} annotation (docs/XEN.md).
 *
 * <ul>
 *   <li>Owned keys are written by stage1-xen; they are always refused (xl takes the last of a repeated key, so an
 *       extra line would silently replace ours). Several have a dedicated setting instead.
 *   <li>Harmless keys (scheduling, CPU placement, limits that only constrain the domain) are always accepted.
 *   <li>Every other key is refused unless host.conf says {@code allow-key = <key>}: the known dangerous ones hand the
 *       domain host resources (devices, memory ranges, I/O ports), replace or extend the device model, or change how
 *       the guest boots; unknown keys are refused too, because a key not reviewed is not known to be harmless.
 * </ul>
 */
public final class XlKeyPolicy {
  private static final Map<String, String> OWNED = Map.ofEntries(
      Map.entry("name", ""), Map.entry("type", "the annotation stage1-xen/guest-type"),
      Map.entry("builder", "the annotation stage1-xen/guest-type"),
      Map.entry("device_model_version", "the annotation stage1-xen/guest-type"),
      Map.entry("kernel", "the annotation stage1-xen/kernel or host.conf kernel"),
      Map.entry("ramdisk", "the annotation stage1-xen/initrd or host.conf initrd"),
      Map.entry("cmdline", ""), Map.entry("extra", ""), Map.entry("root", ""),
      Map.entry("memory", "the annotation stage1-xen/memory-mib or host.conf memory settings"),
      Map.entry("maxmem", "the annotation stage1-xen/memory-mib"),
      Map.entry("vcpus", "the annotation stage1-xen/vcpus or host.conf default-vcpus/max-vcpus"),
      Map.entry("on_poweroff", ""), Map.entry("on_reboot", ""), Map.entry("on_crash", ""),
      Map.entry("p9", ""), Map.entry("vif", ""), Map.entry("channel", ""));

  private static final Set<String> HARMLESS = Set.of(
      "cpu_weight", "cpu_cap", "cpus", "cpus_soft", "cpupool", "maxvcpus",
      "max_grant_frames", "max_maptrack_frames", "max_grant_version", "max_event_channels",
      "tsc_mode", "localtime", "rtc_timeoffset", "nomigrate");

  private static final Map<String, String> DANGEROUS = Map.ofEntries(
      Map.entry("pci", "hands the domain host PCI devices"),
      Map.entry("irqs", "hands the domain host interrupts"),
      Map.entry("iomem", "hands the domain host memory ranges"),
      Map.entry("ioports", "hands the domain host I/O ports"),
      Map.entry("gfx_passthru", "hands the domain the host's graphics card"),
      Map.entry("rdm", "hands the domain reserved host memory"),
      Map.entry("dtdev", "hands the domain host devices"),
      Map.entry("e820_host", "gives the domain the host's memory map"),
      Map.entry("disk", "gives the domain host block devices or files"),
      Map.entry("vtpm", "gives the domain a TPM backend"),
      Map.entry("vscsi", "hands the domain host SCSI devices"),
      Map.entry("usbctrl", "hands the domain host USB devices"),
      Map.entry("usbdev", "hands the domain host USB devices"),
      Map.entry("bootloader", "runs a program in dom0 to boot the guest"),
      Map.entry("bootloader_args", "runs a program in dom0 to boot the guest"),
      Map.entry("seclabel", "changes the domain's XSM security label"),
      Map.entry("init_seclabel", "changes the domain's XSM security label"),
      Map.entry("driver_domain", "makes the domain a backend for other domains"),
      Map.entry("vfb", "adds a display the pod cannot use"),
      Map.entry("serial", "adds a serial device the pod cannot use"));

  private XlKeyPolicy() {}

  public static boolean isOwned(String key) {
    return OWNED.containsKey(key);
  }

  /**
   * Accepts {@code key} from {@code source} or throws a one-line refusal that says what to do instead.
   *
   * @param allowedByHost the keys host.conf unlocks with {@code allow-key}
   */
  public static void check(String key, Set<String> allowedByHost, String source) {
    XlSyntax.key(source, key);
    if (OWNED.containsKey(key)) {
      String instead = OWNED.get(key);
      throw new Stage1Failure(source + ": key '" + key + "' is written by stage1-xen itself and cannot be"
          + " set" + (instead.isEmpty() ? "" : "; use " + instead));
    }
    if (HARMLESS.contains(key) || allowedByHost.contains(key)) {
      return;
    }
    String danger = danger(key);
    String why = danger != null ? danger : "is not on stage1-xen's list of harmless xl keys";
    throw new Stage1Failure(source + ": key '" + key + "' " + why + "; it is refused unless host.conf"
        + " allows it with 'allow-key = " + key + "'");
  }

  private static String danger(String key) {
    if (DANGEROUS.containsKey(key)) {
      return DANGEROUS.get(key);
    }
    if (key.startsWith("device_model") || key.startsWith("dm_") || key.startsWith("stubdomain")) {
      return "replaces or changes the device model running in dom0";
    }
    if (key.startsWith("pci") || key.startsWith("usb")) {
      return "hands the domain host devices";
    }
    if (key.startsWith("vnc") || key.startsWith("sdl") || key.startsWith("spice") || key.startsWith("vga")) {
      return "adds a display the pod cannot use";
    }
    return null;
  }
}
