package io.stage1xen.host;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The facts about this Xen host that decide how a pod's domain is built: from {@code xl info} (version,
 * {@code virt_caps}, {@code xen_caps}, CPUs, memory in MiB) and from {@code /proc/cpuinfo}.
 *
 * @param freeMemoryMib Xen's free memory when {@code xl info} ran for this pod; empty when the facts came from this
 *     boot's cache ({@link HostProbe}), where only what cannot change until Xen reboots is kept
 */
public record HostInfo(
    XenVersion xenVersion,
    Set<String> virtCaps,
    List<String> xenCaps,
    int nrCpus,
    OptionalLong freeMemoryMib,
    long totalMemoryMib,
    CpuFlags cpu) {

  public HostInfo {
    Objects.requireNonNull(xenVersion, "xenVersion");
    virtCaps = Collections.unmodifiableSet(new TreeSet<>(virtCaps));
    xenCaps = List.copyOf(xenCaps);
    if (nrCpus < 1) {
      throw new IllegalArgumentException("nr_cpus must be at least 1, got " + nrCpus);
    }
    Objects.requireNonNull(freeMemoryMib, "freeMemoryMib");
    if (freeMemoryMib.orElse(0) < 0 || totalMemoryMib < 0) {
      throw new IllegalArgumentException("negative memory: free " + freeMemoryMib + ", total " + totalMemoryMib);
    }
    cpu = cpu == null ? CpuFlags.UNKNOWN : cpu;
  }

  /** True when xl said anything about guest types (virt_caps or xen_caps); otherwise cpuinfo decides. */
  public boolean xlReportsCapabilities() {
    return !virtCaps.isEmpty() || !xenCaps.isEmpty();
  }

  public boolean xenCapsHvm() {
    return xenCaps.stream().anyMatch(c -> c.startsWith("hvm-"));
  }

  public boolean xenCapsPv() {
    return xenCaps.stream().anyMatch(c -> c.startsWith("xen-"));
  }
}
