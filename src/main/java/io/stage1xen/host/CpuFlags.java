package io.stage1xen.host;

import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code /proc/cpuinfo} says about the CPU: its vendor and the flags of the first processor. Under a PV dom0
 * the flags usually lack {@code vmx}/{@code svm} even on hardware that has them (Xen keeps them for itself), so
 * these flags are only the fallback for when {@code xl info} does not answer the question.
 */
public record CpuFlags(String vendor, Set<String> flags) {
  /** Nothing known: cpuinfo was unreadable or had no x86 flags line. */
  public static final CpuFlags UNKNOWN = new CpuFlags("", Set.of());

  public CpuFlags {
    vendor = vendor == null ? "" : vendor;
    flags = Collections.unmodifiableSet(new TreeSet<>(flags));
  }

  /** Reads the first {@code vendor_id} and {@code flags} lines; other lines and processors are ignored. */
  public static CpuFlags parse(String cpuinfo) {
    String vendor = null;
    String flags = null;
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (vendor == null && key.equals("vendor_id")) {
        vendor = value;
      } else if (flags == null && key.equals("flags")) {
        flags = value;
      }
      if (vendor != null && flags != null) {
        break;
      }
    }
    Set<String> set = flags == null || flags.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(flags.split("\\s+")));
    return new CpuFlags(vendor, set);
  }

  public boolean vmx() {
    return flags.contains("vmx");
  }

  public boolean svm() {
    return flags.contains("svm");
  }

  public boolean hardwareVirtualization() {
    return vmx() || svm();
  }

  /** For messages: vendor and which virtualization flags were seen. */
  public String describe() {
    if (flags.isEmpty()) {
      return "cpuinfo: no x86 flags read";
    }
    String virt = vmx() ? "vmx" : svm() ? "svm" : "neither vmx nor svm";
    String hv = flags.contains("hypervisor") ? ", running under a hypervisor" : "";
    return "cpuinfo: " + (vendor.isEmpty() ? "unknown vendor" : vendor) + ", " + virt + hv;
  }
}
