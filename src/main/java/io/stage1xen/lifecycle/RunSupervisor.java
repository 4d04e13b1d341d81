package io.stage1xen.lifecycle;

import io.stage1xen.appc.AcName;
import io.stage1xen.guest.ControlChannel;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.guest.ProtocolException;
import io.stage1xen.guest.UnixSocketLink;
import io.stage1xen.host.HostInfo;
import io.stage1xen.host.HostProbe;
import io.stage1xen.pod.Pod;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.pod.PodLoader;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.volume.PodVolumes;
import io.stage1xen.volume.VolumeMap;
import io.stage1xen.volume.VolumeMapper;
import io.stage1xen.xen.DomainDeath;
import io.stage1xen.xen.DomainExistsException;
import io.stage1xen.xen.DomainOutcome;
import io.stage1xen.xen.DomainPlan;
import io.stage1xen.xen.DomainPlanner;
import io.stage1xen.xen.HostConfig;
import io.stage1xen.xen.OperatorSettings;
import io.stage1xen.xen.Xl;
import io.stage1xen.xen.XlConfigFile;
import io.stage1xen.xen.XlException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run entrypoint: validates the pod, plans and creates its domain, hands the guest its plan, and then
 * supervises the pod for its whole life. rkt exec'd this process with the pod's lock on RKT_LOCK_FD; keeping the
 * process alive is what keeps the pod "running" for rkt, and no child ever inherits that descriptor (the JDK gives
 * children only fds 0-2), so the lock dies with this process and never with xl's monitor daemon.
 */
final class RunSupervisor implements ControlChannel.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(RunSupervisor.class);
  /** The directory rkt passes as --local-config unless told otherwise. */
  static final Path DEFAULT_LOCAL_CONFIG = Path.of("/etc/rkt");
  /** After the guest hung up: how long the domain may take to disappear before it is destroyed. */
  static final Duration DOMAIN_GONE_TIMEOUT = Duration.ofSeconds(30);
  /** Beyond the stop grace period: time for post-stop handlers, statuses and the power-off itself. */
  static final Duration STOP_MARGIN = Duration.ofSeconds(20);
  /**
   * How long a guest that reads its channel may take to answer a stop request: at most 5 s, less with a shorter
   * grace period so that such a stop ends within it, never under 2 s (a reading guest answers in milliseconds, a
   * few hundred under software emulation).
   */
  static final Duration STOP_ANSWER_MAX = Duration.ofSeconds(5);
  static final Duration STOP_ANSWER_MIN = Duration.ofSeconds(2);
  /** QEMU creates the channel socket before xl create returns; allow a little for slow hosts. */
  static final Duration SOCKET_WAIT = Duration.ofSeconds(15);
  static final Duration POLL = Duration.ofMillis(200);
  /**
   * How often a booting pod's domain is looked for while its guest has not said it is ready. The channel closing is
   * the usual sign of a VM's end, but a device model that outlived its domain keeps it open (see
   * {@link OrphanDeviceModels}); without this, such a run would wait out the readiness timeout.
   */
  static final Duration DOMAIN_CHECK = Duration.ofSeconds(5);

  private final Stage1Environment env;
  private final RunParameters params;
  private final XlFactory xlFactory;
  private final PodLayout layout;
  private final PodFiles files;

  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicReference<ControlChannel.Listener.PoweroffReason> poweroff = new AtomicReference<>();
  private final AtomicReference<Integer> firstFailure = new AtomicReference<>();
  private final AtomicReference<String> protocolViolation = new AtomicReference<>();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final AtomicBoolean watchdogStarted = new AtomicBoolean();
  /** Why this supervisor destroyed the domain to end a stop (a guest that did not stop in order), if it did. */
  private final AtomicReference<String> stopKill = new AtomicReference<>();
  private final Object outputLock = new Object();
  private volatile List<AcName> apps = List.of();
  private volatile ControlChannel channel;
  private volatile Xl xl;
  private volatile String domainName;
  private volatile Duration stopGrace = HostConfig.DEFAULT_STOP_GRACE;
  private volatile Interactive interactive;
  private volatile ExecRelay relay;
  private volatile PodVolumes volumes;
  private volatile boolean domainCreated;

  /** Builds the xl client once the operator's timeout is known. */
  interface XlFactory {
    Xl create(Duration timeout);
  }

  RunSupervisor(Stage1Environment env, RunParameters params, XlFactory xlFactory) {
    this.env = env;
    this.params = params;
    this.xlFactory = xlFactory;
    this.layout = PodLayout.of(env.workingDirectory());
    this.files = new PodFiles(layout);
  }

  int run() throws Exception {
    // before anything else: a stop finds this process from its first step on, and its signal is handled
    env.signals().handle(List.of("TERM", "INT", "HUP"), this::requestStop);
    boolean hadXenDirectory = Files.isDirectory(layout.xenDirectory());
    record(Optional.empty());
    try {
      return runPod();
    } finally {
      releaseVolumes();
      SupervisorRecord.remove(layout);
      try {
        files.discardStagedPid();
      } catch (IOException e) {
        LOG.debug("staged pid: {}", e.getMessage());
      }
      if (!hadXenDirectory) {
        removeIfEmpty(layout.xenDirectory()); // a pod refused before it got a config leaves nothing
      }
    }
  }

  /**
   * Best effort: without the record (a full disk, say) the pod still runs; a stop during its start then goes by
   * its marker and enter waits by the default settings.
   */
  private void record(Optional<Instant> readyBy) {
    try {
      new SupervisorRecord(env.pid(), readyBy).write(layout);
    } catch (IOException e) {
      LOG.warn("{} (stop and enter find this run by it while the pod starts)", e.getMessage());
    }
  }

  private static void removeIfEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // not empty (the pod got a config, sockets, volumes): it stays for gc and for a person to look at
    }
  }

  /**
   * The latest a start can take with these settings: the xl calls before the guest runs (info, create, domid), the
   * wait for the control channel, the readiness wait. What enter waits for when the supervisor is busy before that.
   */
  static Duration startBound(Duration xlTimeout, Duration readinessTimeout) {
    return xlTimeout.multipliedBy(3).plus(SOCKET_WAIT).plus(readinessTimeout);
  }

  private int runPod() throws Exception {
    // 1. Everything that can be checked without touching the host: an invalid pod never reaches xl.
    LOG.debug("run {}: loading the pod from {}", params.uuid(), layout.root());
    Pod pod = PodLoader.load(layout);
    refuseUnsupported(pod);
    apps = pod.manifest().appNames();
    Path localConfig = params.localConfig().orElse(DEFAULT_LOCAL_CONFIG);
    HostConfig hostConfig = HostConfig.load(localConfig);
    OperatorSettings settings = OperatorSettings.resolve(hostConfig, PodVm.operatorAnnotations(pod),
        env.variables(), stage1File("stage1-xen/guest/kernel"), existing(stage1File("stage1-xen/guest/initrd")));
    stopGrace = settings.stopGrace();
    record(Optional.of(env.clock().instant().plus(startBound(settings.xlTimeout(), settings.readinessTimeout()))));
    boolean terminal = params.interactive() && Terminal.ofStdin(env).isPresent();
    VolumeMap volumeMap = VolumeMapper.map(pod, VolumeMapper.FILES);
    DnsFiles dns = DnsFiles.resolve(params.dnsConfMode(), layout, env.etc());
    PodPlan plan = PodVm.plan(pod, params, dns, settings.stopGrace(), terminal, volumeMap);
    PodNetworking networking = PodNetworking.prepare(pod, params, localConfig, env.processes());

    // 2. The host.
    xl = xlFactory.create(settings.xlTimeout());
    HostInfo host = new HostProbe(env.processes(), env.hostRoot(), settings.xlTimeout()).probe();
    volumes = PodVolumes.of(env.processes(), env.mountinfo(), layout);
    var shares = volumeMap.p9Shares(volumes.securityModels(volumeMap, settings.hostVolumeOwnership()));
    var request = PodVm.domainRequest(pod, volumeMap, shares, networking.vifs());
    DomainPlan domain = DomainPlanner.plan(request, settings, host);
    domainName = domain.config().name();
    Files.createDirectories(layout.xenDirectory());
    Files.deleteIfExists(layout.controlSocket());
    if (Files.exists(layout.stopRequestedMarker()) || Files.exists(layout.stopForcedMarker())) {
      stopRequested.set(true);
    }
    XlConfigFile.write(layout.domainConfig(), domain.config());
    LOG.debug("domain config written to {}", layout.domainConfig());
    abortIfStopRequested("before the domain was created");

    // 3. The networks, the shares (the plan says which files the guest binds into a read-only root), then the
    // domain; whatever happens, the pod's addresses and host rules are given back, its mounts undone.
    try {
      PodPlan attached = networking.attach(plan, dns);
      volumes.prepare(volumeMap, attached);
      return supervise(attached, settings, networking, terminal);
    } finally {
      networking.release();
    }
  }

  private int supervise(PodPlan plan, OperatorSettings settings, PodNetworking networking, boolean terminal)
      throws Exception {
    // From here on, any failure destroys the domain before the error is reported.
    abortIfStopRequested("before the domain was created");
    try {
      xl.create(layout.domainConfig(), domainName, layout.xlCreateLog());
    } catch (DomainExistsException e) {
      throw e; // made before this run started: not this run's to destroy
    } catch (XlException e) {
      // xl can fail, time out or be killed after libxl made the domain (a device model that never started, a hung
      // toolstack); a domain of this pod's name must not outlive the run that failed to start it
      destroyQuietly("xl create failed");
      throw e;
    }
    domainCreated = true;
    if (Files.exists(layout.stopForcedMarker())) {
      // rkt stop --force came while the domain was being made and found none to destroy: it is this run's to do
      LOG.info("pod {} was killed by 'rkt stop --force' while its domain was being created", params.uuid());
      destroyQuietly("rkt stop --force");
      return 128 + 9;
    }
    try {
      // the domain is paused: its vifs exist and get their filters before the guest can send a frame
      networking.configureHost(xl, domainName);
      start();
      files.stagePid(env.pid());
      startChannel(plan);
      // a pod that was asked to stop while it booted is stopping, not started, even if its apps got going
      if (awaitReady(settings.readinessTimeout()) && !stopRequested.get()) {
        relay = new ExecRelay(layout.execSocket(), channel);
        relay.start();
        // rkt's "started": rkt enter waits for pid and rkt status --wait-ready for supervisor-status, so both
        // appear only now that the apps run and enter has a socket to reach
        files.publishPid(env.clock().instant());
        files.markSupervisorReady();
        LOG.debug("pod ready: {} app(s) started in domain {}", apps.size(), domainName);
        if (params.interactive()) {
          interactive = Interactive.start(env, channel, terminal);
        }
      } else {
        LOG.info("pod {} was stopped while it was starting", params.uuid());
      }
    } catch (Exception e) {
      if (relay != null) {
        relay.close();
      }
      // a guest that said it powers off told why; otherwise Xen and xl may know whether the VM died
      Optional<DomainDeath> death = poweroff.get() != null ? Optional.empty()
          : new DomainInquest(env, xl, domainName).inquire(e instanceof VmEnded);
      destroyQuietly("the pod failed to start");
      if (death.isEmpty()) {
        throw e;
      }
      if (Files.exists(layout.stopForcedMarker())) {
        LOG.info("pod {} was killed by 'rkt stop --force' while it was starting", params.uuid());
        return 128 + 9;
      }
      // what the start tripped over next (a vanished vif, a closed channel) is a consequence, not the news
      LOG.debug("the start failed because the domain died: {}", e.getMessage());
      throw new IllegalStateException(death.get().describe("before its apps started"), e);
    }

    // 4. The pod's life: until the guest hangs up (it powered off, crashed, or was destroyed).
    closed.await();
    if (relay != null) {
      relay.close();
    }
    if (interactive != null) {
      interactive.close();
    }
    awaitDomainGone();
    return outcome();
  }

  private void start() throws XlException, InterruptedException {
    if (xl.unpause(domainName) == DomainOutcome.NOT_FOUND) {
      throw new IllegalStateException("the pod VM " + domainName + " disappeared before it was started");
    }
    LOG.debug("domain {} unpaused", domainName);
  }

  /** What rkt run returns: the first app that failed, 0 when all succeeded, 254 when the VM itself failed. */
  private int outcome() throws IOException, InterruptedException {
    if (protocolViolation.get() != null) {
      throw new IllegalStateException("the pod VM broke the control protocol (" + protocolViolation.get()
          + "); its domain was destroyed");
    }
    ControlChannel.Listener.PoweroffReason reason = poweroff.get();
    Integer failed = firstFailure.get();
    if (reason != null && reason != ControlChannel.Listener.PoweroffReason.GUEST_ERROR) {
      return failed == null ? 0 : failed;
    }
    if (Files.exists(layout.stopForcedMarker())) {
      LOG.info("pod {} was killed by 'rkt stop --force'", params.uuid());
      return 128 + 9;
    }
    if (stopKill.get() != null) {
      LOG.warn("pod {} was stopped by destroying its VM ({}): its apps were killed", params.uuid(), stopKill.get());
      return 128 + 9;
    }
    if (reason == ControlChannel.Listener.PoweroffReason.GUEST_ERROR) {
      throw new IllegalStateException("the pod VM's init failed (see the guest messages above) and powered off");
    }
    String failure = failed == null ? "" : " (an app had failed with " + failed + ")";
    Optional<DomainDeath> death = new DomainInquest(env, xl, domainName).inquire(true);
    throw new IllegalStateException(death.map(d -> d.describe("while its apps ran") + failure)
        .orElse("the pod VM " + domainName + " ended without powering off" + failure));
  }

  /** True when xl no longer knows the pod's domain; a failing xl is no proof of that. */
  private boolean domainGone() throws InterruptedException {
    try {
      return xl.domid(domainName).isEmpty();
    } catch (XlException e) {
      LOG.debug("cannot tell whether domain {} still exists: {}", domainName, e.getMessage());
      return false;
    }
  }

  /** The guest hung up before its apps started without saying why: its VM ended. */
  private static final class VmEnded extends IllegalStateException {
    VmEnded(String message) {
      super(message);
    }
  }

  private void refuseUnsupported(Pod pod) {
    if (params.mutable() || pod.manifest().isMutable()) {
      throw new IllegalArgumentException("mutable pods (rkt app sandbox) are not supported by stage1-xen");
    }
    if (pod.manifest().apps().isEmpty()) {
      throw new IllegalArgumentException(layout.podManifest() + ": apps: the pod has no apps to run");
    }
    for (var net : params.net().networks()) {
      if (net.name().equals("host")) {
        throw new IllegalArgumentException("--net=host: a pod in its own VM cannot share the host's network stack;"
            + " use --net=default, a named network, or --net=none");
      }
    }
    params.privateUsers().ifPresent(p -> LOG.info("--private-users: not needed, every pod has its own kernel"));
    params.mdsToken().ifPresent(t -> LOG.warn("--mds-token: the metadata service is not supported; ignored"));
  }

  private void startChannel(PodPlan plan) throws IOException, InterruptedException {
    UnixSocketLink link = connect(layout.controlSocket());
    channel = new ControlChannel(link.in(), link.out(), this);
    channel.start(plan);
    // a stop that arrived while the domain was being created: its signal found no channel, its marker stays
    if (stopRequested.get() || Files.exists(layout.stopRequestedMarker())) {
      requestStop();
    }
  }

  private UnixSocketLink connect(Path socket) throws IOException, InterruptedException {
    Instant deadline = env.clock().instant().plus(SOCKET_WAIT);
    IOException last = null;
    while (env.clock().instant().isBefore(deadline)) {
      try {
        return env.sockets().connect(socket);
      } catch (IOException e) {
        last = e;
        Thread.sleep(POLL.toMillis());
      }
    }
    throw new IOException("cannot connect to the pod VM's control channel " + socket + ": "
        + (last == null ? "timed out" : last.getMessage()));
  }

  /** True once the apps started; false when a stop ended the pod in order before. */
  private boolean awaitReady(Duration timeout) throws InterruptedException {
    Instant deadline = env.clock().instant().plus(timeout);
    record(Optional.of(deadline));
    Instant nextCheck = env.clock().instant().plus(DOMAIN_CHECK);
    while (ready.getCount() > 0) {
      if (!env.clock().instant().isBefore(nextCheck)) {
        nextCheck = env.clock().instant().plus(DOMAIN_CHECK);
        if (domainGone()) {
          throw new VmEnded("the pod VM " + domainName + " is gone, yet its control channel stays open");
        }
      }
      if (closed.getCount() == 0) {
        ControlChannel.Listener.PoweroffReason reason = poweroff.get();
        if (stopRequested.get() && reason != null && reason != ControlChannel.Listener.PoweroffReason.GUEST_ERROR) {
          return false;
        }
        if (reason == null) {
          throw new VmEnded("the pod VM " + domainName + " ended before its apps started");
        }
        throw new IllegalStateException(reason == ControlChannel.Listener.PoweroffReason.GUEST_ERROR
            ? "the pod VM's init failed before its apps started (see the guest messages above) and powered off"
            : "the pod VM " + domainName + " powered off before its apps started");
      }
      if (!env.clock().instant().isBefore(deadline)) {
        throw new IllegalStateException("the pod VM " + domainName + " did not start its apps within "
            + timeout.toSeconds() + " s (raise readiness-timeout-seconds in "
            + HostConfig.location(params.localConfig().orElse(DEFAULT_LOCAL_CONFIG)) + " on slow hosts)");
      }
      ready.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
    }
    return true;
  }

  /** SIGTERM, SIGINT or SIGHUP: an orderly stop, with a deadline after which the domain is destroyed. */
  void requestStop() {
    stopRequested.set(true);
    ControlChannel c = channel;
    if (c == null) {
      return; // not created yet: the main flow aborts at its next step
    }
    // the deadline first: whatever becomes of the request (a guest that stopped reading may never take it), the
    // pod ends within the grace period and the margin
    startWatchdog();
    try {
      LOG.info("stopping pod {}: apps get {} s after SIGTERM", params.uuid(), stopGrace.toSeconds());
      boolean reading = c.helloReceived();
      long before = c.framesReceived();
      c.sendShutdown(stopGrace);
      if (reading) {
        watchAnswer(c, before);
      }
    } catch (IOException e) {
      LOG.warn("could not ask the pod VM to stop ({}); destroying it", e.getMessage());
      killForStop("the stop request could not be delivered");
    }
  }

  /**
   * A guest that reads its channel answers a stop request at once (its init logs it). One that does not within
   * {@link #stopAnswerTimeout} stopped reading (paused, hung, or on purpose) and will not stop its apps in order:
   * it is destroyed then, not at the end of the grace period and the margin.
   */
  private void watchAnswer(ControlChannel c, long before) {
    Duration within = stopAnswerTimeout(stopGrace);
    daemon("stop-answer", () -> {
      Instant deadline = env.clock().instant().plus(within);
      while (c.framesReceived() == before && closed.getCount() > 0 && env.clock().instant().isBefore(deadline)) {
        closed.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (c.framesReceived() == before && closed.getCount() > 0) {
        LOG.warn("the pod VM did not answer the stop request within {} s (its guest stopped reading its control"
            + " channel); destroying it", within.toSeconds());
        killForStop("the guest did not answer the stop request");
      }
    });
  }

  static Duration stopAnswerTimeout(Duration grace) {
    Duration d = grace.compareTo(STOP_ANSWER_MAX) < 0 ? grace : STOP_ANSWER_MAX;
    return d.compareTo(STOP_ANSWER_MIN) < 0 ? STOP_ANSWER_MIN : d;
  }

  private void startWatchdog() {
    if (watchdogStarted.compareAndSet(false, true)) {
      daemon("stop-watchdog", () -> {
        if (!closed.await(stopGrace.plus(STOP_MARGIN).toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("the pod VM did not stop within {} s; destroying it", stopGrace.plus(STOP_MARGIN).toSeconds());
          killForStop("the orderly stop timed out");
        }
      });
    }
  }

  /** A stop deadline's wait: it may be interrupted, which ends it. */
  private interface StopTimer {
    void run() throws InterruptedException;
  }

  /** Starts a stop deadline on a daemon thread of its own, so that it never keeps the run from exiting. */
  private static void daemon(String name, StopTimer timer) {
    Thread t = new Thread(() -> {
      try {
        timer.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private void abortIfStopRequested(String when) {
    if (stopRequested.get()) {
      throw new IllegalStateException("pod stopped (rkt stop or a signal) " + when);
    }
  }

  private void awaitDomainGone() throws InterruptedException {
    Instant deadline = env.clock().instant().plus(DOMAIN_GONE_TIMEOUT);
    try {
      while (xl.domid(domainName).isPresent()) {
        if (!env.clock().instant().isBefore(deadline)) {
          LOG.warn("domain {} still exists {} s after its guest hung up; destroying it", domainName,
              DOMAIN_GONE_TIMEOUT.toSeconds());
          xl.destroy(domainName);
          return;
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (XlException e) {
      LOG.warn("could not check that domain {} is gone: {}", domainName, e.getMessage());
    }
  }

  /**
   * Once the domain is gone nothing needs the volumes' mounts. A pod that never got a domain leaves nothing behind;
   * one that ran keeps its empty volumes' files until gc, as rkt's own stage1 does.
   */
  private void releaseVolumes() {
    PodVolumes v = volumes;
    if (v == null) {
      return;
    }
    try {
      if (domainCreated) {
        v.unmountAll();
      } else {
        v.remove();
      }
    } catch (Exception e) {
      LOG.warn("could not release the pod's volumes: {} (run 'rkt gc' to retry)", e.getMessage());
    }
  }

  /** Ends a stop the guest did not carry out: the pod was asked to stop, so its end is a kill, not a failure. */
  private void killForStop(String why) {
    stopKill.compareAndSet(null, why);
    destroyQuietly(why);
  }

  private void destroyQuietly(String why) {
    String name = domainName;
    if (name == null || xl == null) {
      return;
    }
    try {
      LOG.debug("destroying domain {}: {}", name, why);
      xl.destroy(name);
      new OrphanDeviceModels(env, xl, name).reap(new DomainInquest(env, xl, name).xlLog(), layout.xlCreateLog());
    } catch (XlException e) {
      LOG.warn("could not destroy domain {}: {} (run 'rkt gc' to retry)", name, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Path stage1File(String relative) {
    return layout.stage1Rootfs().resolve(relative).toAbsolutePath();
  }

  private static Optional<Path> existing(Path p) {
    return Files.exists(p) ? Optional.of(p) : Optional.empty();
  }

  private Optional<AcName> appOf(int session) {
    int index = session - 1;
    List<AcName> names = apps;
    return index >= 0 && index < names.size() ? Optional.of(names.get(index)) : Optional.empty();
  }

  // ---- events from the guest (one reader thread) ----

  @Override
  public void onHello(int version, String info) {
    LOG.debug("guest says hello: protocol {}, {}", version, info);
  }

  @Override
  public void onStarted(int session, long pid) {
    appOf(session).ifPresent(app -> LOG.debug("app {} started (guest pid {})", app, pid));
  }

  @Override
  public void onReady() {
    ready.countDown();
  }

  @Override
  public void onExited(int session, int code) {
    if (relay != null && relay.exited(session, code)) {
      return;
    }
    Optional<AcName> app = appOf(session);
    if (app.isEmpty()) {
      return;
    }
    LOG.debug("app {} exited with {}", app.get(), code);
    try {
      files.writeStatus(app.get(), code);
    } catch (IOException e) {
      LOG.error("cannot record the exit status {} of app {}: {}", code, app.get(), e.getMessage());
    }
    if (code != 0) {
      firstFailure.compareAndSet(null, code);
    }
  }

  @Override
  public void onOutput(int session, ControlChannel.Listener.Stream stream, byte[] data) {
    if (relay != null && relay.output(session, stream, data)) {
      return;
    }
    if (appOf(session).isEmpty()) {
      return;
    }
    OutputStream out = stream == ControlChannel.Listener.Stream.STDOUT ? env.stdout() : env.stderr();
    synchronized (outputLock) {
      try {
        out.write(data);
        out.flush();
      } catch (IOException e) {
        // rkt's stdout went away (a closed pipe): the pod keeps running, its output has nowhere to go
      }
    }
  }

  @Override
  public void onLog(int session, ControlChannel.Listener.LogLevel level, String text) {
    // text is guest text made printable by the protocol layer (Frame.text): it cannot forge a line or drive a terminal
    switch (level) {
      case ERROR -> LOG.error("guest: {}", text);
      case WARNING -> LOG.warn("guest: {}", text);
      case INFO -> LOG.info("guest: {}", text);
      default -> LOG.debug("guest: {}", text);
    }
  }

  @Override
  public void onPoweroff(ControlChannel.Listener.PoweroffReason reason) {
    LOG.debug("guest powers off: {}", reason);
    poweroff.set(reason);
  }

  @Override
  public void onClosed(IOException cause) {
    if (cause instanceof ProtocolException) {
      // nothing the guest says can be trusted any more (an exit status of 256 would have read as success)
      protocolViolation.set(cause.getMessage());
      destroyQuietly("it broke the control protocol");
    } else if (cause != null) {
      LOG.debug("control channel closed: {}", cause.getMessage());
    }
    closed.countDown();
  }
}
