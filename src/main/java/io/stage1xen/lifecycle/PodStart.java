package io.stage1xen.lifecycle;

import io.stage1xen.appc.AcName;
import io.stage1xen.guest.ControlChannel;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.guest.UnixSocketLink;
import io.stage1xen.host.HostException;
import io.stage1xen.host.HostInfo;
import io.stage1xen.host.HostProbe;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.Pod;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.pod.PodLoader;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.volume.AppRootFlags;
import io.stage1xen.volume.PodVolumes;
import io.stage1xen.volume.VolumeMap;
import io.stage1xen.volume.VolumeMapper;
import io.stage1xen.xen.DomainDeath;
import io.stage1xen.xen.DomainExistsException;
import io.stage1xen.xen.DomainPlan;
import io.stage1xen.xen.DomainPlanner;
import io.stage1xen.xen.HostConfig;
import io.stage1xen.xen.OperatorSettings;
import io.stage1xen.xen.ResourcePlanner;
import io.stage1xen.xen.Xl;
import io.stage1xen.xen.XlConfigFile;
import io.stage1xen.xen.XlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's start, from the pod directory to apps that run: first everything that can be checked without touching
 * the host (an invalid pod never reaches xl), then the host (xl, the CPU, the domain's config), then the pod's
 * networks and shares and its domain, until the guest says its apps started. A start that fails destroys the domain
 * before the error is reported. What it made on the host lasts the pod's life, until {@link #release}.
 */
final class PodStart {
  private static final Logger LOG = LoggerFactory.getLogger(PodStart.class);
  /** The directory rkt passes as --local-config unless told otherwise. */
  static final Path DEFAULT_LOCAL_CONFIG = Path.of("/etc/rkt");
  /** QEMU creates the channel socket before xl create returns; allow a little for slow hosts. */
  static final Duration SOCKET_WAIT = Duration.ofSeconds(15);
  /**
   * How often a booting pod's domain is looked for while its guest has not said it is ready. The channel closing is
   * the usual sign of a VM's end, but a device model that outlived its domain keeps it open (see
   * {@link OrphanDeviceModels}); without this, such a run would wait out the readiness timeout.
   */
  static final Duration DOMAIN_CHECK = Duration.ofSeconds(5);

  /** Builds the xl client once the operator's timeout is known. */
  interface XlFactory {
    Xl create(Duration timeout);
  }

  /**
   * A pod whose start is over: its apps run, or it was stopped in order while it started; either way its life is
   * watched through its events until the guest hangs up.
   *
   * @param enter the relay of rkt enter's sessions, once the apps run
   * @param interactive stdin (and the terminal) of an interactive pod, once its apps run
   */
  record Started(PodDomain domain, GuestEvents events, Optional<ExecRelay> enter,
      Optional<Interactive> interactive) {
    /** The guest hung up: nothing reaches it any more. */
    void closeSessions() {
      enter.ifPresent(ExecRelay::close);
      interactive.ifPresent(Interactive::close);
    }
  }

  private final Stage1Environment env;
  private final RunParameters params;
  private final PodLayout layout;
  private final PodFiles files;
  private final XlFactory xlFactory;
  private final StopController stop;
  // What the start made on the host, for release(); only the run's own thread sees them.
  private PodNetworking networking;
  private PodVolumes volumes;
  private boolean domainCreated;

  PodStart(Stage1Environment env, RunParameters params, PodLayout layout, PodFiles files, XlFactory xlFactory,
      StopController stop) {
    this.env = env;
    this.params = params;
    this.layout = layout;
    this.files = files;
    this.xlFactory = xlFactory;
    this.stop = stop;
  }

  /**
   * The latest a start can take with these settings: the xl calls before the guest runs (info, create, domid), the
   * wait for the control channel, the readiness wait. What enter waits for when the supervisor is busy before that.
   */
  static Duration startBound(Duration xlTimeout, Duration readinessTimeout) {
    return xlTimeout.multipliedBy(3).plus(SOCKET_WAIT).plus(readinessTimeout);
  }

  /** The started pod, or empty when rkt stop --force killed it while it started. */
  Optional<Started> start() throws Exception {
    // 1. Everything that can be checked without touching the host: an invalid pod never reaches xl.
    LOG.debug("run {}: loading the pod from {}", params.uuid(), layout.root());
    Pod pod = PodLoader.load(layout);
    refuseUnsupported(pod);
    Path localConfig = params.localConfig().orElse(DEFAULT_LOCAL_CONFIG);
    HostConfig hostConfig = HostConfig.load(localConfig);
    OperatorSettings settings = OperatorSettings.resolve(hostConfig, PodVm.operatorAnnotations(pod),
        env.variables(), stage1File("stage1-xen/guest/kernel"), existing(stage1File("stage1-xen/guest/initrd")));
    stop.grace(settings.stopGrace());
    SupervisorRecord.note(env, layout,
        Optional.of(env.clock().instant().plus(startBound(settings.xlTimeout(), settings.readinessTimeout()))));
    boolean terminal = params.interactive() && Terminal.ofStdin(env).isPresent();
    VolumeMap volumeMap = VolumeMapper.map(pod, VolumeMapper.FILES);
    DnsFiles dns = DnsFiles.resolve(params.dnsConfMode(), layout, env.etc());
    PodPlan plan = PodVm.plan(pod, params, dns, settings.stopGrace(), terminal, volumeMap);
    PodNetworking podNetworking = PodNetworking.prepare(pod, params, localConfig, env.processes());

    // 2. The host.
    Xl xl = xlFactory.create(settings.xlTimeout());
    HostProbe probe = new HostProbe(env.processes(), env.hostRoot(), settings.xlTimeout());
    HostInfo host = probe.probe();
    volumes = PodVolumes.of(env.processes(), env.mountinfo(), layout);
    var shares = volumeMap.p9Shares(volumes.securityModels(volumeMap, settings.hostVolumeOwnership()));
    var request = PodVm.domainRequest(pod, volumeMap, shares, podNetworking.vifs());
    DomainPlan domainPlan = DomainPlanner.plan(request, settings, host);
    PodDomain domain = new PodDomain(env, xl, domainPlan.config().name(), layout);
    Files.createDirectories(layout.xenDirectory());
    Files.deleteIfExists(layout.controlSocket());
    stop.readMarkers();
    XlConfigFile.write(layout.domainConfig(), domainPlan.config());
    LOG.debug("domain config written to {}", layout.domainConfig());
    stop.abortIfRequested("before the domain was created");

    // 3. The networks, the shares (the plan says which files the guest binds into a read-only root), then the
    // domain; whatever happens, release() gives the pod's addresses and host rules back and undoes its mounts.
    networking = podNetworking;
    PodPlan attached = networking.attach(plan, dns);
    AppRootFlags rootFlags = volumes.prepare(volumeMap, attached);
    return boot(attached, settings, terminal, domain, pod.manifest().appNames(),
        new MemoryCheck(host, probe, domainPlan.config().memoryMib()), rootFlags);
  }

  /**
   * A domain planned from the boot's cached host facts had its memory checked by nobody but Xen: when xl create
   * fails, xl info now says whether Xen was short of memory, and that is the error a person can act on.
   */
  private record MemoryCheck(HostInfo host, HostProbe probe, long memoryMib) {
    Exception explain(XlException e) throws InterruptedException {
      if (host.freeMemoryMib().isPresent() || e instanceof DomainExistsException) {
        return e;
      }
      try {
        long free = probe.probeNow().freeMemoryMib().orElse(Long.MAX_VALUE);
        if (memoryMib > free) {
          return new Stage1Failure(ResourcePlanner.beyondFree(memoryMib, free), e);
        }
      } catch (HostException unknown) {
        e.addSuppressed(unknown);
      }
      return e;
    }
  }

  private Optional<Started> boot(PodPlan plan, OperatorSettings settings, boolean terminal, PodDomain domain,
      List<AcName> apps, MemoryCheck memoryCheck, AppRootFlags rootFlags) throws Exception {
    // From here on, any failure destroys the domain before the error is reported.
    stop.abortIfRequested("before the domain was created");
    // paused only when dom0 must filter the vifs before the guest's first instruction: a pod without vifs is
    // spared one xl process (an xl unpause costs as much as any xl call, a measurable part of a pod's start)
    boolean paused = networking.hasVifs();
    // rkt's mounts of the apps' roots get their flags while xl makes the domain, out of the start's critical path;
    // they must be set before the guest gets its plan, and the wait for them is right after xl create
    Overlap flags = Overlap.NOTHING;
    if (!rootFlags.isEmpty()) {
      LOG.debug("remounting rkt's mounts of the apps' roots nosuid,nodev while xl creates the domain: {}", rootFlags);
      flags = Overlap.start("app-root-flags", rootFlags::apply);
    }
    try {
      createDomain(domain, paused, memoryCheck);
    } catch (Exception e) {
      flags.settle(e);
      throw e;
    }
    domainCreated = true;
    try {
      flags.await();
    } catch (Exception e) {
      domain.destroy("the apps' roots could not be closed");
      throw e;
    }
    if (stop.forced()) {
      // rkt stop --force came while the domain was being made and found none to destroy: it is this run's to do
      LOG.info("pod {} was killed by 'rkt stop --force' while its domain was being created", params.uuid());
      domain.destroy("rkt stop --force");
      return Optional.empty();
    }
    GuestEvents events = new GuestEvents(apps, files, new OutputRelay(env.stdout(), env.stderr()), domain);
    ExecRelay enter = null;
    Interactive interactive = null;
    try {
      if (paused) {
        // its vifs exist and get their filters before the guest can send a frame
        networking.configureHost(domain.xl(), domain.name());
        domain.unpause();
      }
      files.stagePid(env.pid());
      ControlChannel channel = startChannel(plan, events, domain);
      // a pod that was asked to stop while it booted is stopping, not started, even if its apps got going
      if (awaitReady(events, domain, settings.readinessTimeout()) && !stop.requested()) {
        AddedApps added = new AddedApps(channel, layout, files, settings.stopGrace());
        events.attach(added);
        enter = new ExecRelay(layout.execSocket(), channel, added);
        events.attach(enter);
        enter.start();
        // rkt's "started": rkt enter waits for pid and rkt status --wait-ready for supervisor-status, so both
        // appear only now that the apps run and enter has a socket to reach
        files.publishPid(env.clock().instant());
        files.markSupervisorReady();
        LOG.debug("pod ready: {} app(s) started in domain {}", apps.size(), domain.name());
        if (params.interactive()) {
          interactive = Interactive.start(env, channel, terminal);
        }
      } else {
        LOG.info("pod {} was stopped while it was starting", params.uuid());
      }
    } catch (Exception e) {
      if (enter != null) {
        enter.close();
      }
      // a guest that said it powers off told why; otherwise Xen and xl may know whether the VM died
      Optional<DomainDeath> death = events.poweroff().isPresent() ? Optional.empty()
          : domain.death(e instanceof VmEnded);
      domain.destroy("the pod failed to start");
      if (death.isEmpty()) {
        throw e;
      }
      if (stop.forced()) {
        LOG.info("pod {} was killed by 'rkt stop --force' while it was starting", params.uuid());
        return Optional.empty();
      }
      // what the start tripped over next (a vanished vif, a closed channel) is a consequence, not the news
      LOG.debug("the start failed because the domain died: {}", e.getMessage());
      throw new Stage1Failure(death.get().describe("before its apps started"), e);
    }
    return Optional.of(new Started(domain, events, Optional.ofNullable(enter), Optional.ofNullable(interactive)));
  }

  private static void createDomain(PodDomain domain, boolean paused, MemoryCheck memoryCheck) throws Exception {
    try {
      domain.create(paused);
    } catch (XlException e) {
      throw memoryCheck.explain(e);
    }
  }

  /**
   * After the pod, or a start that failed: the networks' addresses and host rules go back, then the volumes'
   * mounts. A pod that never got a domain leaves nothing behind; one that ran keeps its empty volumes' files until
   * gc, as rkt's own stage1 does.
   */
  void release() {
    try {
      if (networking != null) {
        networking.release();
      }
    } finally {
      releaseVolumes();
    }
  }

  private void releaseVolumes() {
    if (volumes == null) {
      return;
    }
    try {
      if (domainCreated) {
        volumes.unmountAll();
      } else {
        volumes.remove();
      }
    } catch (Exception e) {
      LOG.warn("could not release the pod's volumes: {} (run 'rkt gc' to retry)", e.getMessage());
    }
  }

  /** The guest hung up before its apps started without saying why: its VM ended. */
  private static final class VmEnded extends Stage1Failure {
    VmEnded(String message) {
      super(message);
    }
  }

  private void refuseUnsupported(Pod pod) {
    // a mutable pod (rkt app sandbox, docs/MUTABLE.md) starts empty and gets its apps from app/add later
    boolean mutable = pod.manifest().isMutable();
    if (params.mutable() && !mutable) {
      throw new Stage1Failure(layout.podManifest() + ": annotations: --mutable needs the pod's annotation "
          + "coreos.com/rkt/stage1/mutable=\"true\", which rkt app sandbox writes");
    }
    if (mutable && !pod.manifest().apps().isEmpty()) {
      throw new Stage1Failure(layout.podManifest() + ": apps: a mutable pod starts without apps (rkt app sandbox), "
          + "but this one has " + pod.manifest().appNames());
    }
    if (!mutable && pod.manifest().apps().isEmpty()) {
      throw new Stage1Failure(layout.podManifest() + ": apps: the pod has no apps to run");
    }
    for (var net : params.net().networks()) {
      if (net.name().equals("host")) {
        throw new Stage1Failure("--net=host: a pod in its own VM cannot share the host's network stack;"
            + " use --net=default, a named network, or --net=none");
      }
    }
    params.privateUsers().ifPresent(p -> LOG.info("--private-users: not needed, every pod has its own kernel"));
    params.mdsToken().ifPresent(t -> LOG.warn("--mds-token: the metadata service is not supported; ignored"));
  }

  private ControlChannel startChannel(PodPlan plan, GuestEvents events, PodDomain domain)
      throws IOException, InterruptedException {
    UnixSocketLink link = connect(layout.controlSocket());
    ControlChannel channel = new ControlChannel(link.in(), link.out(), events);
    channel.start(plan);
    stop.attach(channel, events, domain);
    return channel;
  }

  private UnixSocketLink connect(Path socket) throws IOException, InterruptedException {
    Instant deadline = env.clock().instant().plus(SOCKET_WAIT);
    IOException last = null;
    while (env.clock().instant().isBefore(deadline)) {
      try {
        return env.sockets().connect(socket);
      } catch (IOException e) {
        last = e;
        Thread.sleep(RunSupervisor.POLL.toMillis());
      }
    }
    throw new IOException("cannot connect to the pod VM's control channel " + socket + ": "
        + (last == null ? "timed out" : last.getMessage()));
  }

  /** True once the apps started; false when a stop ended the pod in order before. */
  private boolean awaitReady(GuestEvents events, PodDomain domain, Duration timeout) throws InterruptedException {
    Instant deadline = env.clock().instant().plus(timeout);
    SupervisorRecord.note(env, layout, Optional.of(deadline));
    Instant nextCheck = env.clock().instant().plus(DOMAIN_CHECK);
    while (!events.isReady()) {
      if (!env.clock().instant().isBefore(nextCheck)) {
        nextCheck = env.clock().instant().plus(DOMAIN_CHECK);
        if (domain.gone()) {
          throw new VmEnded("the pod VM " + domain.name() + " is gone, yet its control channel stays open");
        }
      }
      if (events.isClosed()) {
        Optional<ControlChannel.Listener.PoweroffReason> reason = events.poweroff();
        if (stop.requested() && reason.isPresent()
            && reason.get() != ControlChannel.Listener.PoweroffReason.GUEST_ERROR) {
          return false;
        }
        if (reason.isEmpty()) {
          throw new VmEnded("the pod VM " + domain.name() + " ended before its apps started");
        }
        throw new Stage1Failure(reason.get() == ControlChannel.Listener.PoweroffReason.GUEST_ERROR
            ? "the pod VM's init failed before its apps started (see the guest messages above) and powered off"
            : "the pod VM " + domain.name() + " powered off before its apps started");
      }
      if (!env.clock().instant().isBefore(deadline)) {
        throw new Stage1Failure("the pod VM " + domain.name() + " did not start its apps within "
            + timeout.toSeconds() + " s (raise readiness-timeout-seconds in "
            + HostConfig.location(params.localConfig().orElse(DEFAULT_LOCAL_CONFIG)) + " on slow hosts)");
      }
      events.awaitReady(RunSupervisor.POLL);
    }
    return true;
  }

  private Path stage1File(String relative) {
    return layout.stage1Rootfs().resolve(relative).toAbsolutePath();
  }

  private static Optional<Path> existing(Path p) {
    return Files.exists(p) ? Optional.of(p) : Optional.empty();
  }
}
