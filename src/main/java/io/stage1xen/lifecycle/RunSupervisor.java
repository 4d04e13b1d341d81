package io.stage1xen.lifecycle;

import io.stage1xen.guest.ControlChannel;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.xen.DomainDeath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run entrypoint: starts the pod ({@link PodStart}), lets it live until its guest hangs up ({@link GuestEvents}),
 * stops it when asked ({@link StopController}), and returns what rkt run reports. rkt exec'd this process with the
 * pod's lock on RKT_LOCK_FD; keeping the process alive is what keeps the pod "running" for rkt, and no child ever
 * inherits that descriptor (the JDK gives children only fds 0-2), so the lock dies with this process and never with
 * xl's monitor daemon.
 */
final class RunSupervisor {
  private static final Logger LOG = LoggerFactory.getLogger(RunSupervisor.class);
  /** How often the run looks again at what it waits for (a socket, the guest, the domain). */
  static final Duration POLL = Duration.ofMillis(200);

  private final Stage1Environment env;
  private final RunParameters params;
  private final PodLayout layout;
  private final PodFiles files;
  private final PodStart start;
  private final StopController stop;

  RunSupervisor(Stage1Environment env, RunParameters params, PodStart.XlFactory xlFactory) {
    this.env = env;
    this.params = params;
    this.layout = PodLayout.of(env.workingDirectory());
    this.files = new PodFiles(layout);
    this.stop = new StopController(env, layout, params.uuid());
    this.start = new PodStart(env, params, layout, files, xlFactory, stop);
  }

  Outcome run() throws Exception {
    // before anything else: a stop finds this process from its first step on, and its signal is handled
    env.signals().handle(List.of("TERM", "INT", "HUP"), stop::request);
    boolean hadXenDirectory = Files.isDirectory(layout.xenDirectory());
    SupervisorRecord.note(env, layout, Optional.empty());
    try {
      try {
        Optional<PodStart.Started> pod = start.start();
        return pod.isPresent() ? live(pod.get()) : Outcome.KILLED;
      } finally {
        start.release();
      }
    } finally {
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

  private static void removeIfEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // not empty (the pod got a config, sockets, volumes): it stays for gc and for a person to look at
    }
  }

  /** The pod's life: until the guest hangs up (it powered off, crashed, or was destroyed). */
  private Outcome live(PodStart.Started pod) throws InterruptedException {
    pod.events().awaitClosed();
    pod.closeSessions();
    pod.domain().awaitGone();
    return outcome(pod.events(), pod.domain());
  }

  /** What rkt run reports: the first app that failed, success when all succeeded, a failure when the VM failed. */
  private Outcome outcome(GuestEvents events, PodDomain domain) throws InterruptedException {
    Optional<String> violation = events.protocolViolation();
    if (violation.isPresent()) {
      throw new Stage1Failure("the pod VM broke the control protocol (" + violation.get()
          + "); its domain was destroyed");
    }
    Optional<ControlChannel.Listener.PoweroffReason> reason = events.poweroff();
    Optional<Integer> failed = events.firstFailure();
    boolean guestError = reason.isPresent() && reason.get() == ControlChannel.Listener.PoweroffReason.GUEST_ERROR;
    if (reason.isPresent() && !guestError) {
      return failed.map(Outcome::exited).orElse(Outcome.SUCCEEDED);
    }
    if (stop.forced()) {
      LOG.info("pod {} was killed by 'rkt stop --force'", params.uuid());
      return Outcome.KILLED;
    }
    Optional<String> kill = stop.kill();
    if (kill.isPresent()) {
      LOG.warn("pod {} was stopped by destroying its VM ({}): its apps were killed", params.uuid(), kill.get());
      return Outcome.KILLED;
    }
    if (guestError) {
      throw new Stage1Failure("the pod VM's init failed (see the guest messages above) and powered off");
    }
    String failure = failed.map(code -> " (an app had failed with " + code + ")").orElse("");
    Optional<DomainDeath> death = domain.death(true);
    throw new Stage1Failure(death.map(d -> d.describe("while its apps ran") + failure)
        .orElse("the pod VM " + domain.name() + " ended without powering off" + failure));
  }
}
