package io.stage1xen.xen;

import io.stage1xen.host.HostInfo;
import io.stage1xen.outcome.Stage1Failure;
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
 * default when no app has one), capped by a pod-level limit the same way, then by the host's CPUs. An annotation may
 * set either size outright. A pod whose memory, vCPUs or 9p shares exceed host.conf's {@link PodLimits} is refused,
 * naming what asked for them: images are untrusted, and their isolators must not decide what the host gives away.
 */
public final class ResourcePlanner {
  static final String MEMORY = "resource/memory";
  static final String CPU = "resource/cpu";
  private static final long MIB = 1L << 20;

  private ResourcePlanner() {}

  public static DomainResources plan(PodResourceRequest pod, int shares, ResourcePolicy policy,
      ResourceOverrides overrides, HostInfo host, Set<String> isolatorsEnforcedInGuest) {
    List<String> why = new ArrayList<>();
    refuseTooManyShares(pod, shares, policy.limits());
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
        throw new Stage1Failure(overrides.memorySource() + " asks for " + memory + " MiB, below the "
            + policy.minMemoryMib() + " MiB minimum a guest gets (host.conf min-memory-mib)");
      }
      if (memory > policy.limits().maxMemoryMib()) {
        throw new Stage1Failure(overrides.memorySource() + " asks for " + memory + " MiB, more than the "
            + policy.limits().maxMemoryMib() + " MiB a pod may have (" + policy.limits().raise("max-memory-mib") + ")");
      }
      why.add("memory " + memory + " MiB set by " + overrides.memorySource());
    } else {
      long apps = 0;
      // an empty (mutable) pod gets its apps later and cannot grow then: the pod limit, if any, is their budget,
      // otherwise the default of one app, so that a sandbox can hold what a one-app pod holds
      boolean unlimited = pod.apps().isEmpty();
      if (pod.apps().isEmpty() && pod.podMemoryLimitBytes().isEmpty()) {
        why.add("no apps yet (a mutable pod): " + policy.defaultAppMemoryMib() + " MiB for the apps to come (the"
            + " default of one app)");
        apps = policy.defaultAppMemoryMib();
      }
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
      boolean podLimitDecides = false;
      if (podLimit.isPresent()) {
        long cap = ceilDiv(podLimit.getAsLong(), MIB);
        if (unlimited || apps > cap) {
          why.add("the pod's resource/memory limit gives the apps " + cap + " MiB"
              + (unlimited ? " (an app without a limit may use all of it)" : " (it caps their sum of " + apps + ")"));
          apps = cap;
          podLimitDecides = true;
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
      if (memory > policy.limits().maxMemoryMib()) {
        throw new Stage1Failure(memoryAskedBy(pod, podLimitDecides, policy) + ": the pod's domain would"
            + " need " + memory + " MiB, more than the " + policy.limits().maxMemoryMib() + " MiB a pod may have ("
            + policy.limits().raise("max-memory-mib") + ")");
      }
    }
    if (host.freeMemoryMib().isPresent()) {
      refuseBeyondFree(memory, host.freeMemoryMib().getAsLong());
    } else {
      why.add("Xen's free memory not asked (host facts from this boot's cache): xl create says if it is short");
    }
    return memory;
  }

  private static void refuseBeyondFree(long memoryMib, long freeMib) {
    if (memoryMib > freeMib) {
      throw new Stage1Failure(beyondFree(memoryMib, freeMib));
    }
  }

  /** The one error for a domain Xen has no room for, before xl create or after it failed. */
  public static String beyondFree(long memoryMib, long freeMib) {
    return "the pod's domain needs " + memoryMib + " MiB but Xen has only " + freeMib
        + " MiB free (xl info free_memory)";
  }

  private static int vcpus(PodResourceRequest pod, ResourcePolicy policy, ResourceOverrides overrides,
      HostInfo host, List<String> why) {
    int hostCpus = host.nrCpus();
    PodLimits limits = policy.limits();
    if (overrides.vcpus().isPresent()) {
      int n = overrides.vcpus().getAsInt();
      if (n > limits.maxVcpus()) {
        throw new Stage1Failure(overrides.vcpuSource() + " asks for " + n + " vCPUs, more than the "
            + limits.maxVcpus() + " a pod may have (" + limits.raise("max-vcpus") + ")");
      }
      if (n < 1 || n > hostCpus) {
        throw new Stage1Failure(overrides.vcpuSource() + " asks for " + n + " vCPUs; this host allows 1 to "
            + hostCpus + " (" + hostCpus + " CPUs)");
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
    boolean podLimitDecides = false;
    if (pod.podCpuLimitMillis().isPresent()) {
      long cap = ceilDiv(pod.podCpuLimitMillis().getAsLong(), 1000);
      if (unlimited || wanted > cap) {
        wanted = cap;
        podLimitDecides = true;
        why.add("vcpus: the pod's resource/cpu limit makes it " + cap);
      }
    }
    if (wanted > limits.maxVcpus()) {
      throw new Stage1Failure(vcpusAskedBy(pod, podLimitDecides) + ": the pod would need " + wanted
          + " vCPUs, more than the " + limits.maxVcpus() + " a pod may have (" + limits.raise("max-vcpus") + ")");
    }
    // beyond the policy a request is refused; beyond this host's CPUs it is only pointless, and is capped
    if (wanted > hostCpus) {
      why.add("vcpus: capped from " + wanted + " to " + hostCpus + " (the host's CPUs)");
      wanted = hostCpus;
    }
    return (int) Math.max(1, wanted);
  }

  /** A pod with more shares than allowed, refused naming the app that brings the most of them. */
  private static void refuseTooManyShares(PodResourceRequest pod, int shares, PodLimits limits) {
    if (shares <= limits.maxShares()) {
      return;
    }
    String tail = " 9p shares, more than the " + limits.maxShares() + " a pod may have (" + limits.raise("max-shares") + ")";
    AppResourceRequest most = null;
    for (AppResourceRequest app : pod.apps()) {
      if (most == null || app.shares() > most.shares()) {
        most = app;
      }
    }
    if (most == null || most.shares() == 1) {
      throw new Stage1Failure("the pod's " + pod.apps().size() + " apps and their volumes: the pod would"
          + " need " + shares + tail);
    }
    throw new Stage1Failure("app " + most.appName() + ": its mounts and mountPoints bring "
        + (most.shares() - 1) + " volume shares besides its root filesystem's: the pod would need " + shares + tail);
  }

  /** Who made the memory too big: an annotation is handled before; here the pod limit or the biggest app. */
  private static String memoryAskedBy(PodResourceRequest pod, boolean podLimitDecides, ResourcePolicy policy) {
    if (podLimitDecides) {
      return "the pod's resource/memory limit of " + ceilDiv(pod.podMemoryLimitBytes().getAsLong(), MIB) + " MiB";
    }
    AppResourceRequest biggest = null;
    for (AppResourceRequest app : pod.apps()) {
      if (app.memoryLimitBytes().isPresent() && (biggest == null
          || app.memoryLimitBytes().getAsLong() > biggest.memoryLimitBytes().getAsLong())) {
        biggest = app;
      }
    }
    if (biggest == null || ceilDiv(biggest.memoryLimitBytes().getAsLong(), MIB) <= policy.defaultAppMemoryMib()) {
      return "the pod's " + pod.apps().size() + " apps (" + policy.defaultAppMemoryMib()
          + " MiB for each without a resource/memory limit)";
    }
    return "app " + biggest.appName() + ": isolator resource/memory limit of "
        + ceilDiv(biggest.memoryLimitBytes().getAsLong(), MIB) + " MiB";
  }

  /** Who asked for too many vCPUs: the pod limit or the app with the biggest resource/cpu limit. */
  private static String vcpusAskedBy(PodResourceRequest pod, boolean podLimitDecides) {
    if (podLimitDecides) {
      return "the pod's resource/cpu limit of " + pod.podCpuLimitMillis().getAsLong() + "m";
    }
    AppResourceRequest biggest = null;
    for (AppResourceRequest app : pod.apps()) {
      if (app.cpuLimitMillis().isPresent() && (biggest == null
          || app.cpuLimitMillis().getAsLong() > biggest.cpuLimitMillis().getAsLong())) {
        biggest = app;
      }
    }
    // the default vCPUs never exceed the limit (ResourcePolicy), so some app's limit made the sum
    return "app " + biggest.appName() + ": isolator resource/cpu limit of " + biggest.cpuLimitMillis().getAsLong()
        + "m";
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
