package io.stage1xen.lifecycle;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.guest.ControlChannel;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.xen.HostConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the run stops its pod when asked to: by SIGTERM, SIGINT or SIGHUP (rkt stop signals the run), or by the marker
 * rkt stop leaves for a run that could not take its signal yet. Until the guest is reachable a request is only noted,
 * and the start gives up at its next step ({@link #abortIfRequested}); once it is, the guest is asked to stop its
 * apps in order, under two deadlines after which the domain is destroyed and the pod counts as killed: the guest's
 * answer to the request, and the grace period plus {@link #MARGIN} for the whole stop.
 */
final class StopController {
  private static final Logger LOG = LoggerFactory.getLogger(StopController.class);
  /** Beyond the stop grace period: time for post-stop handlers, statuses and the power-off itself. */
  static final Duration MARGIN = Duration.ofSeconds(20);
  /**
   * How long a guest that reads its channel may take to answer a stop request: at most 5 s, less with a shorter
   * grace period so that such a stop ends within it, never under 2 s (a reading guest answers in milliseconds, a
   * few hundred under software emulation).
   */
  static final Duration ANSWER_MAX = Duration.ofSeconds(5);
  static final Duration ANSWER_MIN = Duration.ofSeconds(2);

  /** The guest once it can be asked: its channel, what it said, and its domain for the deadlines to destroy. */
  private record Guest(ControlChannel channel, GuestEvents events, PodDomain domain) {}

  private final Stage1Environment env;
  private final PodLayout layout;
  private final PodUuid pod;
  private final AtomicBoolean requested = new AtomicBoolean();
  private final AtomicBoolean watchdogStarted = new AtomicBoolean();
  /** Why a deadline destroyed the domain to end the stop (a guest that did not stop in order), if one did. */
  private final AtomicReference<String> kill = new AtomicReference<>();
  private volatile Duration grace = HostConfig.DEFAULT_STOP_GRACE;
  private volatile Guest guest;

  StopController(Stage1Environment env, PodLayout layout, PodUuid pod) {
    this.env = env;
    this.layout = layout;
    this.pod = pod;
  }

  /** The pod's stop grace period, once the operator's settings are known. */
  void grace(Duration grace) {
    this.grace = grace;
  }

  /** A stop that came before this run could take its signal left a marker: it counts as requested. */
  void readMarkers() {
    if (Files.exists(layout.stopRequestedMarker()) || Files.exists(layout.stopForcedMarker())) {
      requested.set(true);
    }
  }

  boolean requested() {
    return requested.get();
  }

  void abortIfRequested(String when) {
    if (requested.get()) {
      throw new Stage1Failure("pod stopped (rkt stop or a signal) " + when);
    }
  }

  /** rkt stop --force came: it destroys the domain itself, and the pod counts as killed. */
  boolean forced() {
    return Files.exists(layout.stopForcedMarker());
  }

  /** Why a stop deadline destroyed the domain, if one did. */
  Optional<String> kill() {
    return Optional.ofNullable(kill.get());
  }

  /**
   * The guest can be asked from now on. A stop that arrived while the domain was being created found no channel for
   * its signal, but its marker stays: it is carried out now.
   */
  void attach(ControlChannel channel, GuestEvents events, PodDomain domain) {
    guest = new Guest(channel, events, domain);
    if (requested.get() || Files.exists(layout.stopRequestedMarker())) {
      request();
    }
  }

  /** SIGTERM, SIGINT or SIGHUP: an orderly stop, with a deadline after which the domain is destroyed. */
  void request() {
    requested.set(true);
    Guest g = guest;
    if (g == null) {
      return; // not created yet: the start aborts at its next step
    }
    // the deadline first: whatever becomes of the request (a guest that stopped reading may never take it), the
    // pod ends within the grace period and the margin
    startWatchdog(g);
    try {
      LOG.info("stopping pod {}: apps get {} s after SIGTERM", pod, grace.toSeconds());
      boolean reading = g.channel().helloReceived();
      long before = g.channel().framesReceived();
      g.channel().sendShutdown(grace);
      if (reading) {
        watchAnswer(g, before);
      }
    } catch (IOException e) {
      LOG.warn("could not ask the pod VM to stop ({}); destroying it", e.getMessage());
      killForStop(g, "the stop request could not be delivered");
    }
  }

  /**
   * A guest that reads its channel answers a stop request at once (its init logs it). One that does not within
   * {@link #stopAnswerTimeout} stopped reading (paused, hung, or on purpose) and will not stop its apps in order:
   * it is destroyed then, not at the end of the grace period and the margin.
   */
  private void watchAnswer(Guest g, long before) {
    Duration within = stopAnswerTimeout(grace);
    daemon("stop-answer", () -> {
      Instant deadline = env.clock().instant().plus(within);
      while (g.channel().framesReceived() == before && !g.events().isClosed()
          && env.clock().instant().isBefore(deadline)) {
        g.events().awaitClosed(RunSupervisor.POLL);
      }
      if (g.channel().framesReceived() == before && !g.events().isClosed()) {
        LOG.warn("the pod VM did not answer the stop request within {} s (its guest stopped reading its control"
            + " channel); destroying it", within.toSeconds());
        killForStop(g, "the guest did not answer the stop request");
      }
    });
  }

  static Duration stopAnswerTimeout(Duration grace) {
    Duration d = grace.compareTo(ANSWER_MAX) < 0 ? grace : ANSWER_MAX;
    return d.compareTo(ANSWER_MIN) < 0 ? ANSWER_MIN : d;
  }

  private void startWatchdog(Guest g) {
    if (watchdogStarted.compareAndSet(false, true)) {
      daemon("stop-watchdog", () -> {
        if (!g.events().awaitClosed(grace.plus(MARGIN))) {
          LOG.warn("the pod VM did not stop within {} s; destroying it", grace.plus(MARGIN).toSeconds());
          killForStop(g, "the orderly stop timed out");
        }
      });
    }
  }

  /** Ends a stop the guest did not carry out: the pod was asked to stop, so its end is a kill, not a failure. */
  private void killForStop(Guest g, String why) {
    kill.compareAndSet(null, why);
    g.domain().destroy(why);
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
}
