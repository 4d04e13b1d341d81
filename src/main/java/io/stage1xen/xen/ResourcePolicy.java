package io.stage1xen.xen;

import io.stage1xen.outcome.Stage1Failure;
import java.util.Objects;

/**
 * The numbers behind a domain's size (docs/RESOURCES.md), set in host.conf or left at the defaults below.
 *
 * @param overheadMib memory the guest itself needs on top of the apps: kernel, initrd, init
 * @param defaultAppMemoryMib memory counted for an app without a {@code resource/memory} limit
 * @param minMemoryMib no domain gets less
 * @param defaultVcpus vCPUs when no app has a {@code resource/cpu} limit
 * @param limits the most a pod may have; a pod asking for more is refused
 */
public record ResourcePolicy(long overheadMib, long defaultAppMemoryMib, long minMemoryMib, int defaultVcpus,
    PodLimits limits) {

  /**
   * The guest itself (stage1-xen's kernel built from stage1/guest/kernel.config, its initrd and init) with one 9p
   * share: the smallest memory= a one-app pod ran in on Xen as PV and PVH, plus a margin (docs/RESOURCES.md).
   */
  public static final long DEFAULT_OVERHEAD_MIB = 48;
  /** Each further 9p share: the Xen 9p front-end allocates its rings as 4 MiB of contiguous memory per device. */
  public static final long SHARE_MIB = 4;
  /** Enough for a small static service or shell; an app that needs more says so with --memory. */
  public static final long DEFAULT_APP_MEMORY_MIB = 64;
  /** The overhead and room for a small app's page cache: a pod whose apps ask for a few MiB still gets 64. */
  public static final long DEFAULT_MIN_MEMORY_MIB = 64;
  public static final int DEFAULT_VCPUS = 1;

  public static final ResourcePolicy DEFAULTS = new ResourcePolicy(DEFAULT_OVERHEAD_MIB, DEFAULT_APP_MEMORY_MIB,
      DEFAULT_MIN_MEMORY_MIB, DEFAULT_VCPUS, PodLimits.DEFAULTS);

  public ResourcePolicy {
    if (overheadMib < 0 || defaultAppMemoryMib < 0 || minMemoryMib < 1) {
      throw new Stage1Failure("memory settings out of range: overhead " + overheadMib + ", default app "
          + defaultAppMemoryMib + ", minimum " + minMemoryMib + " MiB");
    }
    if (defaultVcpus < 1) {
      throw new Stage1Failure("default vCPUs must be at least 1, got " + defaultVcpus);
    }
    Objects.requireNonNull(limits, "limits");
    // a pod that gets the defaults must be allowed: otherwise every pod would be refused
    if (minMemoryMib > limits.maxMemoryMib()) {
      throw new Stage1Failure("min-memory-mib " + minMemoryMib + " is more than max-memory-mib "
          + limits.maxMemoryMib() + " (" + limits.where() + ")");
    }
    if (defaultVcpus > limits.maxVcpus()) {
      throw new Stage1Failure("default-vcpus " + defaultVcpus + " is more than max-vcpus "
          + limits.maxVcpus() + " (" + limits.where() + ")");
    }
  }
}
