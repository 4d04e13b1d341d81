package io.stage1xen.lifecycle;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.App;
import io.stage1xen.appc.EnvironmentVariable;
import io.stage1xen.appc.EventHandler;
import io.stage1xen.appc.Isolator;
import io.stage1xen.appc.Isolators;
import io.stage1xen.appc.OomScoreAdj;
import io.stage1xen.appc.PodUuid;
import io.stage1xen.appc.Quantity;
import io.stage1xen.appc.ResourceCpu;
import io.stage1xen.appc.ResourceMemory;
import io.stage1xen.appc.RuntimeApp;
import io.stage1xen.guest.AppPlan;
import io.stage1xen.guest.MountPlan;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.Pod;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.volume.VolumeMap;
import io.stage1xen.volume.VolumeMapper;
import io.stage1xen.xen.AppResourceRequest;
import io.stage1xen.xen.DomainRequest;
import io.stage1xen.xen.P9Share;
import io.stage1xen.xen.PodAnnotations;
import io.stage1xen.xen.PodResourceRequest;
import io.stage1xen.xen.Vif;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The translation of a pod (what rkt wrote) into the two things the VM needs: the domain request for xl and the plan
 * for the guest init. The only place where appc types meet the xen and guest models.
 */
final class PodVm {
  /** Fixed words only: nothing from the pod ever reaches the kernel command line. */
  static final String CMDLINE = "console=hvc0 quiet s1x.ctl=/dev/hvc1 s1x.transport=xen";
  /** What the appc spec calls the executor's name, given to apps as $container (rkt's own stage1s say "rkt"). */
  static final String CONTAINER = "rkt";
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  /** Isolators that the guest applies to the app's process itself. */
  static final Set<String> ENFORCED_IN_GUEST = Set.of("os/linux/oom-score-adj");

  private PodVm() {}

  /**
   * @param volumes the pod's volume map, which says which app brings which share (for the share limit)
   * @param shares every p9 share of the pod: the apps' root filesystems, then the volumes ({@link VolumeMap})
   * @param vifs one per network of the pod ({@link PodNetworking#vifs()})
   */
  static DomainRequest domainRequest(Pod pod, VolumeMap volumes, List<P9Share> shares, List<Vif> vifs) {
    List<AppResourceRequest> apps = new ArrayList<>();
    List<RuntimeApp> runtimeApps = pod.manifest().apps();
    Set<String> sharedEarlier = new HashSet<>();
    for (int i = 0; i < runtimeApps.size(); i++) {
      RuntimeApp ra = runtimeApps.get(i);
      Isolators iso = pod.app(ra).isolators();
      // its root and each volume share it is the first to mount (a share is one guest path, its mounts' source)
      int own = 1 + (int) volumes.mounts(i).stream().filter(m -> sharedEarlier.add(m.source())).count();
      apps.add(new AppResourceRequest(ra.name().value(), memoryLimit(iso), cpuLimit(iso), names(iso), own));
    }
    Isolators podIso = pod.manifest().isolators();
    PodResourceRequest resources = new PodResourceRequest(apps, memoryLimit(podIso), cpuLimit(podIso), names(podIso));
    PodUuid uuid = pod.layout().uuid().orElseThrow(() -> new Stage1Failure(
        "the pod directory " + pod.layout().root() + " is not named after a pod uuid"));
    return new DomainRequest(uuid, pod.layout().xenDirectory(), CMDLINE, shares, vifs, resources,
        ENFORCED_IN_GUEST);
  }

  /** The operator's stage1-xen annotations: the pod's and each runtime app's (set on rkt's command line). */
  static Map<String, String> operatorAnnotations(Pod pod) {
    Map<String, Map<String, String>> perApp = new LinkedHashMap<>();
    for (RuntimeApp ra : pod.manifest().apps()) {
      perApp.put(ra.name().value(), ra.annotations().toMap());
    }
    return PodAnnotations.merge(pod.manifest().annotations().toMap(), perApp);
  }

  static PodPlan plan(Pod pod, RunParameters run, DnsFiles dns, Duration grace, boolean stdinIsTerminal,
      VolumeMap volumes) {
    String hostname = run.hostname().orElse("rkt-" + run.uuid());
    List<AppPlan> apps = new ArrayList<>();
    List<RuntimeApp> runtimeApps = pod.manifest().apps();
    for (int i = 0; i < runtimeApps.size(); i++) {
      RuntimeApp ra = runtimeApps.get(i);
      AppPlan.Builder b = app(pod, ra, volumes.roots().get(i).guestPath())
          .stdin(run.interactive())
          .tty(run.interactive() && stdinIsTerminal);
      volumes.mounts(i).forEach(b::mount);
      apps.add(b.build());
    }
    return new PodPlan(hostname, dns.hosts(hostname), dns.resolvConf(), run.debug(), grace, pod.manifest().isMutable(),
        volumes.sharePlans(), apps);
  }

  /**
   * The plan of an app added to a running mutable pod (docs/MUTABLE.md): the same translation as a pod's app, its
   * root the app's directory in the share of added apps. It has no stdin or terminal (rkt app start gives none).
   *
   * @param rktEnvironment the lines of {@code rkt/env/<app>} when rkt wrote it (app add does): rkt's final list
   *     (its defaults, the image's, {@code --environment}, {@code AC_APP_NAME}), to which the executor's
   *     {@code container} is added; without it the environment is made from the manifests as for a pod's app
   * @param mounts its volumes' mounts, from the slots app/add bound ({@link VolumeMapper#addedApp})
   */
  static AppPlan addedApp(Pod pod, RuntimeApp ra, Optional<List<String>> rktEnvironment, List<MountPlan> mounts) {
    AppPlan.Builder b = app(pod, ra, VolumeMapper.addedAppRoot(ra.name()));
    rktEnvironment.ifPresent(lines -> {
      List<String> env = new ArrayList<>(lines);
      env.removeIf(e -> e.startsWith("container="));
      env.add("container=" + CONTAINER);
      b.environment(env);
    });
    mounts.forEach(b::mount);
    return b.build();
  }

  /** What every app's plan has, from its runtime app and image manifest: exec, identity, environment, handlers. */
  private static AppPlan.Builder app(Pod pod, RuntimeApp ra, String root) {
    App app = pod.app(ra);
    AppPlan.Builder b = AppPlan.builder(ra.name().value(), root, app.exec())
        .environment(environment(ra.name(), app))
        .user(app.user())
        .group(app.group())
        .supplementaryGids(app.supplementaryGIDs())
        .workingDirectory(app.effectiveWorkingDirectory())
        .readOnlyRootFs(ra.readOnlyRootFS());
    for (EventHandler h : app.eventHandlers("pre-start")) {
      b.preStart(h.exec());
    }
    for (EventHandler h : app.eventHandlers("post-stop")) {
      b.postStop(h.exec());
    }
    app.isolators().last(OomScoreAdj.class).ifPresent(o -> b.oomScoreAdj(o.value()));
    return b;
  }

  /**
   * The app's environment with the executor spec's precedence: a default PATH, then the manifest's variables in
   * order (the pod manifest's app already holds the image's variables overridden by rkt's --set-env and friends),
   * then what the executor always sets and an image cannot override.
   */
  static List<String> environment(AcName name, App app) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", DEFAULT_PATH);
    for (EnvironmentVariable v : app.environment()) {
      env.put(v.name(), v.value());
    }
    env.put("AC_APP_NAME", name.value());
    env.put("container", CONTAINER);
    List<String> out = new ArrayList<>();
    env.forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  private static OptionalLong memoryLimit(Isolators iso) {
    return iso.last(ResourceMemory.class).flatMap(ResourceMemory::limit).map(Quantity::bytes)
        .map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  private static OptionalLong cpuLimit(Isolators iso) {
    return iso.last(ResourceCpu.class).flatMap(ResourceCpu::limit).map(Quantity::millis)
        .map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  private static List<String> names(Isolators iso) {
    List<String> out = new ArrayList<>();
    for (Isolator i : iso.list()) {
      out.add(i.name().toString());
    }
    return out;
  }
}
