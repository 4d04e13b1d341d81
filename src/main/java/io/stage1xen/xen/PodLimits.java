package io.stage1xen.xen;

import io.stage1xen.outcome.Stage1Failure;
import java.util.Objects;

/**
 * The most one pod may have, whatever its images ask for: images come from registries, and without these an image's
 * {@code resource/memory} isolator could reserve all of Xen's free memory, and its mount points could make dom0
 * create any number of empty volumes, bind mounts and 9p exports. A pod asking for more is refused before anything
 * exists (docs/RESOURCES.md, "Limits").
 *
 * @param maxMemoryMib the most memory a pod's domain gets, guest overhead included
 * @param maxVcpus the most vCPUs a pod's domain gets
 * @param maxShares the most 9p shares (app root filesystems and volume shares) a pod's domain gets
 * @param where the host.conf that sets these, for refusals to say where to raise them
 */
public record PodLimits(long maxMemoryMib, int maxVcpus, int maxShares, String where) {
  /** 25 default pods' worth; a pod that needs more is one the operator knows of and allows in host.conf. */
  public static final long DEFAULT_MAX_MEMORY_MIB = 4096;
  /** vCPUs are scheduled, not reserved, but each is a Xen vcpu and a guest per-CPU area; pods are sized small. */
  public static final int DEFAULT_MAX_VCPUS = 8;
  /** Each share is a bind mount and a 9p export in dom0 and 4 MiB of rings in the guest; few pods need 10. */
  public static final int DEFAULT_MAX_SHARES = 24;

  public static final PodLimits DEFAULTS = new PodLimits(DEFAULT_MAX_MEMORY_MIB, DEFAULT_MAX_VCPUS,
      DEFAULT_MAX_SHARES, "host.conf");

  public PodLimits {
    if (maxMemoryMib < 1 || maxVcpus < 1 || maxShares < 1) {
      throw new Stage1Failure("pod limits must be at least 1: max memory " + maxMemoryMib
          + " MiB, max vCPUs " + maxVcpus + ", max shares " + maxShares);
    }
    Objects.requireNonNull(where, "where");
  }

  /** The end of a refusal: which setting to raise, and in which file. */
  String raise(String key) {
    return "raise " + key + " in " + where;
  }
}
