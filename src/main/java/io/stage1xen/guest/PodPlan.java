package io.stage1xen.guest;

import io.stage1xen.outcome.Stage1Failure;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything pod-specific the guest needs, sent once as the PLAN frame (the kernel command line carries none of
 * it). Content decisions (hostname, /etc/hosts, resolv.conf, environment precedence) are the host's.
 *
 * @param hosts full /etc/hosts for every app, or null to leave the apps' own
 * @param resolvConf full /etc/resolv.conf for every app, or null to leave the apps' own
 * @param grace time between SIGTERM and SIGKILL when the pod stops (millisecond resolution)
 * @param mutable an app-less pod that stays up until SHUTDOWN
 * @param interfaces the network interfaces to configure before the apps start (loopback is always brought up)
 */
public record PodPlan(
    String hostname,
    String hosts,
    String resolvConf,
    boolean debug,
    Duration grace,
    boolean mutable,
    List<SharePlan> shares,
    List<AppPlan> apps,
    List<InterfacePlan> interfaces) {

  public PodPlan(String hostname, String hosts, String resolvConf, boolean debug, Duration grace, boolean mutable,
      List<SharePlan> shares, List<AppPlan> apps) {
    this(hostname, hosts, resolvConf, debug, grace, mutable, shares, apps, List.of());
  }

  public PodPlan {
    PlanChecks.matching("hostname", hostname, PlanChecks.HOSTNAME);
    if (hosts != null) {
      PlanChecks.text("hosts file content", hosts);
    }
    if (resolvConf != null) {
      PlanChecks.text("resolv.conf content", resolvConf);
    }
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative() || grace.toMillis() > 0xFFFF_FFFFL) {
      throw new Stage1Failure("grace period " + grace + " is outside 0..2^32-1 ms");
    }
    shares = List.copyOf(Objects.requireNonNull(shares, "shares"));
    apps = List.copyOf(Objects.requireNonNull(apps, "apps"));
    Set<String> names = new HashSet<>();
    for (AppPlan a : apps) {
      if (!names.add(a.name())) {
        throw new Stage1Failure("app name '" + a.name() + "' appears twice in the pod");
      }
    }
    Set<String> tags = new HashSet<>();
    for (SharePlan s : shares) {
      if (!tags.add(s.tag())) {
        throw new Stage1Failure("share tag '" + s.tag() + "' appears twice in the pod");
      }
    }
    interfaces = List.copyOf(Objects.requireNonNull(interfaces, "interfaces"));
    if (mutable && !apps.isEmpty()) {
      throw new Stage1Failure("a mutable pod starts without apps, but the plan has " + apps.size());
    }
  }

  /** The same plan with the pod's network interfaces and, when given, the resolv.conf that goes with them. */
  public PodPlan withNetworks(List<InterfacePlan> nics, String resolv) {
    return new PodPlan(hostname, hosts, resolv == null ? resolvConf : resolv, debug, grace, mutable, shares, apps,
        nics);
  }

  /** The protocol session of app {@code index} (0-based, pod order). */
  public static int sessionOf(int index) {
    return 1 + index;
  }
}
