package io.stage1xen.lifecycle;

import io.stage1xen.pod.PodLayout;
import io.stage1xen.pod.StopParameters;
import io.stage1xen.xen.DomainName;
import io.stage1xen.xen.DomainOutcome;
import io.stage1xen.xen.HostConfig;
import io.stage1xen.xen.Xl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stop entrypoint. rkt does not wait for the pod: stop delivers the request and returns. Without --force the
 * run supervisor gets SIGTERM and stops the pod in order (SIGTERM to the apps, grace, statuses, power-off); when no
 * supervisor is alive (it was killed), Xen is asked to power the guest off, which the guest init handles the same
 * way. --force destroys the domain at once. A pod whose domain is already gone is not an error.
 */
final class StopRequest {
  private static final Logger LOG = LoggerFactory.getLogger(StopRequest.class);

  private final Stage1Environment env;
  private final Xl xl;

  StopRequest(Stage1Environment env, Xl xl) {
    this.env = env;
    this.xl = xl;
  }

  /** Left by stop --force so that the supervisor reports a killed pod, not a crashed one. */
  static Path forcedMarker(PodLayout layout) {
    return layout.xenDirectory().resolve("stop-forced");
  }

  /**
   * Left by every orderly stop: a supervisor that is still starting the pod (no pid file yet, or no domain yet)
   * finds it and stops the pod as soon as it can, so a stop racing a starting run is never lost.
   */
  static Path requestedMarker(PodLayout layout) {
    return layout.xenDirectory().resolve("stop-requested");
  }

  int stop(StopParameters params) throws Exception {
    PodLayout layout = PodLayout.of(env.workingDirectory());
    String name = DomainName.forPod(params.uuid().toString());
    if (params.force()) {
      Files.createDirectories(layout.xenDirectory());
      Files.writeString(forcedMarker(layout), "", StandardCharsets.US_ASCII);
      DomainOutcome outcome = xl.destroy(name);
      LOG.debug("xl destroy {}: {}", name, outcome);
      return 0;
    }
    Files.createDirectories(layout.xenDirectory());
    Files.writeString(requestedMarker(layout), "", StandardCharsets.US_ASCII);
    Optional<Long> supervisor = liveSupervisor(layout);
    if (supervisor.isPresent()) {
      LOG.debug("asking the run supervisor (pid {}) to stop the pod", supervisor.get());
      ProcessHandle.of(supervisor.get()).ifPresent(ProcessHandle::destroy);
      return 0;
    }
    DomainOutcome outcome = xl.shutdown(name, false, HostConfig.DEFAULT_XL_TIMEOUT);
    LOG.debug("no live supervisor; xl shutdown {}: {}", name, outcome);
    return 0;
  }

  /**
   * The pid in the pod's pid file, if that process is alive and is this pod's supervisor: its working directory is
   * the pod directory (rkt starts it there), which also rules out a recycled pid.
   */
  private Optional<Long> liveSupervisor(PodLayout layout) throws IOException {
    String text;
    try {
      text = Files.readString(layout.pidFile(), StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(text);
    } catch (NumberFormatException e) {
      LOG.warn("{} holds '{}', not a pid; ignoring it", layout.pidFile(), text);
      return Optional.empty();
    }
    try {
      Path cwd = Files.readSymbolicLink(env.proc().resolve(Long.toString(pid)).resolve("cwd"));
      return cwd.equals(layout.root().toRealPath()) ? Optional.of(pid) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // gone, or not ours to look at
    }
  }
}
