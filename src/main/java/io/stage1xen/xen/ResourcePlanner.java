package io.stage1xen.xen;

import io.stage1xen.host.HostInfo;
import io.stage1xen.xen.IsolatorReport.Disposition;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Sizes a pod's domain from its isolators (pure; the rules and their reasons are in docs/RESOURCES.md).
 *
 * <p>Memory: the guest overhead plus, per app, its {@code resource/memory} limit or the default; a pod-level limit
 * caps that sum, and an app without a limit of its own may use the whole pod limit; never less than the minimum,
 * never more than Xen's free memory. vCPUs: the sum of the {@code resource/cpu} limits rounded up to whole CPUs (the
 * default when no app has one), capped by a pod-level limit the same way, then by host.conf's max-vcpus and by the
 * host's CPUs. An annotation may set either size outright.
 */
public final class ResourcePlanner {
  static final String MEMORY = "resource/memory";
  static final String CPU = "resource/cpu";
  private static final long MIB = 1L << 20;

  private ResourcePlanner() {}

  public static DomainResources plan(PodResourceRequest pod, int shares, ResourcePolicy policy,
      ResourceOverrides overrides, HostInfo host, Set<String> isolatorsEnforcedInGuest) {
    List<String> why = new ArrayList<>();
    long memory = memory(pod, shares, policy, overrides, host, why);
    int vcpus = vcpus(pod, policy, overrides, host, why);
    List<IsolatorReport> report = new ArrayList<>();
    for (String name : pod.podIsolators()) {
      report.add(report("pod", name, overrides, isolatorsEnforcedInGuest));
    }
    for (AppResourceRequest app : pod.apps()) {
      for (String name : app.isolators()) {
        report.add(report(app.appName(), name, overrides, isolatorsEnforcedInGuest));
      }
    }
    return new DomainResources(memory, memory, vcpus, why, report);
  }

  private static long memory(PodResourceRequest pod, int shares, ResourcePolicy policy, ResourceOverrides overrides,
      HostInfo host, List<String> why) {
    long memory;
    if (overrides.memoryMib().isPresent()) {
      memory = overrides.memoryMib().getAsLong();
      if (memory < policy.minMemoryMib()) {
        throw new IllegalArgumentException(overrides.memorySource() + " asks for " + memory + " MiB, below the "
            + policy.minMemoryMib() + " MiB minimum a guest gets (host.conf min-memory-mib)");
      }
      why.add("memory " + memory + " MiB set by " + overrides.memorySource());
    } else {
      long apps = 0;
      // an empty (mutable) pod gets its apps later: the pod limit, if any, is their budget
      boolean unlimited = pod.apps().isEmpty();
      for (AppResourceRequest app : pod.apps()) {
        if (app.memoryLimitBytes().isPresent()) {
          long mib = ceilDiv(app.memoryLimitBytes().getAsLong(), MIB);
          why.add("app " + app.appName() + ": " + mib + " MiB (its resource/memory limit)");
          apps += mib;
        } else {
          unlimited = true;
          why.add("app " + app.appName() + ": " + policy.defaultAppMemoryMib() + " MiB (no limit; the default)");
          apps += policy.defaultAppMemoryMib();
        }
      }
      OptionalLong podLimit = pod.podMemoryLimitBytes();
      if (podLimit.isPresent()) {
        long cap = ceilDiv(podLimit.getAsLong(), MIB);
        if (unlimited || apps > cap) {
          why.add("the pod's resource/memory limit gives the apps " + cap + " MiB"
              + (unlimited ? " (an app without a limit may use all of it)" : " (it caps their sum of " + apps + ")"));
          apps = cap;
        }
      }
      long overhead = policy.overheadMib() + ResourcePolicy.SHARE_MIB * Math.max(0, shares - 1);
      memory = overhead + apps;
      why.add("memory = " + overhead + " MiB guest overhead" + (shares > 1 ? " (" + policy.overheadMib() + " + "
          + ResourcePolicy.SHARE_MIB + " per 9p share after the first, " + shares + " shares)" : "") + " + " + apps
          + " MiB for the apps = " + memory + " MiB");
      if (memory < policy.minMemoryMib()) {
        memory = policy.minMemoryMib();
        why.add("raised to the " + memory + " MiB minimum");
      }
    }
    if (memory > host.freeMemoryMib()) {
      throw new IllegalArgumentException("the pod's domain needs " + memory + " MiB but Xen has only "
          + host.freeMemoryMib() + " MiB free (xl info free_memory)");
    }
    return memory;
  }

  private static int vcpus(PodResourceRequest pod, ResourcePolicy policy, ResourceOverrides overrides,
      HostInfo host, List<String> why) {
    int hostCpus = host.nrCpus();
    int max = Math.min(hostCpus, policy.maxVcpus().orElse(Integer.MAX_VALUE));
    if (overrides.vcpus().isPresent()) {
      int n = overrides.vcpus().getAsInt();
      if (n < 1 || n > max) {
        throw new IllegalArgumentException(overrides.vcpuSource() + " asks for " + n + " vCPUs; this host allows 1 to "
            + max + " (" + hostCpus + " CPUs" + (policy.maxVcpus().isPresent() ? ", host.conf max-vcpus "
            + policy.maxVcpus().getAsInt() : "") + ")");
      }
      why.add("vcpus " + n + " set by " + overrides.vcpuSource());
      return n;
    }
    long millis = 0;
    // an empty (mutable) pod gets its apps later: the pod limit, if any, is their budget
    boolean unlimited = pod.apps().isEmpty();
    for (AppResourceRequest app : pod.apps()) {
      if (app.cpuLimitMillis().isPresent()) {
        millis += app.cpuLimitMillis().getAsLong();
      } else {
        unlimited = true;
      }
    }
    long wanted;
    if (millis == 0) {
      wanted = policy.defaultVcpus();
      why.add("vcpus: no app has a resource/cpu limit; the default is " + wanted);
    } else {
      wanted = ceilDiv(millis, 1000);
      why.add("vcpus: the apps' resource/cpu limits add up to " + millis + "m, rounded up to " + wanted);
      if (unlimited && wanted < policy.defaultVcpus()) {
        wanted = policy.defaultVcpus();
        why.add("vcpus: raised to the default " + wanted + " for the apps without a limit");
      }
    }
    if (pod.podCpuLimitMillis().isPresent()) {
      long cap = ceilDiv(pod.podCpuLimitMillis().getAsLong(), 1000);
      if (unlimited || wanted > cap) {
        wanted = cap;
        why.add("vcpus: the pod's resource/cpu limit makes it " + cap);
      }
    }
    if (wanted > max) {
      why.add("vcpus: capped from " + wanted + " to " + max + " (" + hostCpus + " host CPUs"
          + (policy.maxVcpus().isPresent() ? ", host.conf max-vcpus " + policy.maxVcpus().getAsInt() : "") + ")");
      wanted = max;
    }
    return (int) Math.max(1, wanted);
  }

  private static IsolatorReport report(String scope, String name, ResourceOverrides overrides,
      Set<String> enforcedInGuest) {
    if (name.equals(MEMORY) || name.equals(CPU)) {
      boolean memory = name.equals(MEMORY);
      boolean overridden = memory ? overrides.memoryMib().isPresent() : overrides.vcpus().isPresent();
      if (overridden) {
        return new IsolatorReport(scope, name, Disposition.IGNORED,
            (memory ? overrides.memorySource() : overrides.vcpuSource()) + " fixed the domain's size");
      }
      String detail = enforcedInGuest.contains(name) ? "and enforced per app inside the guest"
          : "the apps share the domain's " + (memory ? "memory" : "vCPUs") + "; no per-app limit inside the VM";
      return new IsolatorReport(scope, name, Disposition.SIZED_DOMAIN, detail);
    }
    if (enforcedInGuest.contains(name)) {
      return new IsolatorReport(scope, name, Disposition.APPLIED_IN_GUEST, "");
    }
    String reason;
    if (name.startsWith("resource/")) {
      reason = "stage1-xen does not limit a domain's disk or network rate";
    } else if (name.startsWith("os/linux/") || name.startsWith("os/unix/")) {
      reason = "not enforced inside the VM; the VM is the pod's isolation boundary";
    } else {
      reason = "unknown isolator";
    }
    return new IsolatorReport(scope, name, Disposition.IGNORED, reason);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
