package io.stage1xen.lifecycle;

import io.stage1xen.appc.AcName;
import io.stage1xen.guest.ControlChannel;
import io.stage1xen.guest.ProtocolException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the guest tells the run over the control channel (on the channel's one reader thread), and what the run has
 * seen of the pod since: whether its apps started, whether the guest hung up, why it powered off, the first app
 * that failed, a broken protocol. An app's exit status goes to rkt's status file, its output to rkt's streams; an
 * enter session's exit and output to its client ({@link ExecRelay}). A guest that breaks the protocol is trusted no
 * further: its domain is destroyed at once.
 */
final class GuestEvents implements ControlChannel.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(GuestEvents.class);

  private final List<AcName> apps;
  private final PodFiles files;
  private final OutputRelay output;
  private final PodDomain domain;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicReference<PoweroffReason> poweroff = new AtomicReference<>();
  private final AtomicReference<Integer> firstFailure = new AtomicReference<>();
  private final AtomicReference<String> protocolViolation = new AtomicReference<>();
  private volatile ExecRelay enter;
  private volatile AddedApps added;

  /** @param apps the pod's apps in pod order: session {@code i + 1} is app {@code i} */
  GuestEvents(List<AcName> apps, PodFiles files, OutputRelay output, PodDomain domain) {
    this.apps = List.copyOf(apps);
    this.files = files;
    this.output = output;
    this.domain = domain;
  }

  /** From now on, the sessions of rkt enter go to their clients. */
  void attach(ExecRelay relay) {
    enter = relay;
  }

  /** From now on, the sessions of apps added to a mutable pod go to their registry. */
  void attach(AddedApps apps) {
    added = apps;
  }

  boolean isReady() {
    return ready.getCount() == 0;
  }

  void awaitReady(Duration timeout) throws InterruptedException {
    ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The guest hung up: it powered off, crashed, was destroyed, or broke the protocol. */
  boolean isClosed() {
    return closed.getCount() == 0;
  }

  void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /** True when the guest hung up within the timeout. */
  boolean awaitClosed(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Why the guest said it powers off, if it did. */
  Optional<PoweroffReason> poweroff() {
    return Optional.ofNullable(poweroff.get());
  }

  /** The exit status of the first app that failed, if one did. */
  Optional<Integer> firstFailure() {
    return Optional.ofNullable(firstFailure.get());
  }

  /** How the guest broke the control protocol, if it did. */
  Optional<String> protocolViolation() {
    return Optional.ofNullable(protocolViolation.get());
  }

  private Optional<AcName> appOf(int session) {
    int index = session - 1;
    return index >= 0 && index < apps.size() ? Optional.of(apps.get(index)) : Optional.empty();
  }

  @Override
  public void onHello(int version, String info) {
    LOG.debug("guest says hello: protocol {}, {}", version, info);
  }

  @Override
  public void onStarted(int session, long pid) {
    AddedApps a = added;
    if (a != null && a.started(session)) {
      return;
    }
    appOf(session).ifPresent(app -> LOG.debug("app {} started (guest pid {})", app, pid));
  }

  @Override
  public void onReady() {
    ready.countDown();
  }

  @Override
  public void onExited(int session, int code) {
    ExecRelay relay = enter;
    if (relay != null && relay.exited(session, code)) {
      return;
    }
    AddedApps a = added;
    if (a != null && a.exited(session, code)) {
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
  public void onOutput(int session, Stream stream, byte[] data) {
    ExecRelay relay = enter;
    if (relay != null && relay.output(session, stream, data)) {
      return;
    }
    AddedApps a = added;
    if (appOf(session).isPresent() || (a != null && a.knows(session))) {
      output.write(stream, data);
    }
  }

  @Override
  public void onLog(int session, LogLevel level, String text) {
    // text is guest text made printable by the protocol layer (Frame.text): it cannot forge a line or drive a terminal
    AddedApps a = added;
    if (a != null && level == LogLevel.ERROR) {
      a.error(session, text);
    }
    switch (level) {
      case ERROR -> LOG.error("guest: {}", text);
      case WARNING -> LOG.warn("guest: {}", text);
      case INFO -> LOG.info("guest: {}", text);
      default -> LOG.debug("guest: {}", text);
    }
  }

  @Override
  public void onRemoved(int session) {
    AddedApps a = added;
    if (a != null) {
      a.removed(session);
    }
  }

  @Override
  public void onPoweroff(PoweroffReason reason) {
    LOG.debug("guest powers off: {}", reason);
    poweroff.set(reason);
  }

  @Override
  public void onClosed(IOException cause) {
    if (cause instanceof ProtocolException) {
      // nothing the guest says can be trusted any more (an exit status of 256 would have read as success)
      protocolViolation.set(cause.getMessage());
      domain.destroy("it broke the control protocol");
    } else if (cause != null) {
      LOG.debug("control channel closed: {}", cause.getMessage());
    }
    AddedApps a = added;
    if (a != null) {
      a.close();
    }
    closed.countDown();
  }
}
