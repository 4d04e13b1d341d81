package io.stage1xen.lifecycle;

import io.stage1xen.outcome.Outcome;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.pod.StopParameters;
import io.stage1xen.xen.DomainName;
import io.stage1xen.xen.DomainOutcome;
import io.stage1xen.xen.HostConfig;
import io.stage1xen.xen.Xl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  Outcome stop(StopParameters params) throws Exception {
    PodLayout layout = PodLayout.of(env.workingDirectory());
    String name = DomainName.forPod(params.uuid());
    if (params.force()) {
      Files.createDirectories(layout.xenDirectory());
      Files.writeString(layout.stopForcedMarker(), "", StandardCharsets.US_ASCII);
      DomainOutcome outcome = xl.destroy(name);
      LOG.debug("xl destroy {}: {}", name, outcome);
      return Outcome.SUCCEEDED;
    }
    Files.createDirectories(layout.xenDirectory());
    Files.writeString(layout.stopRequestedMarker(), "", StandardCharsets.US_ASCII);
    // the supervisor's own record, not rkt's pid file: that one appears only once the pod is ready
    Optional<SupervisorRecord> supervisor = SupervisorRecord.live(env, layout);
    if (supervisor.isPresent()) {
      LOG.debug("asking the run supervisor (pid {}) to stop the pod", supervisor.get().pid());
      ProcessHandle.of(supervisor.get().pid()).ifPresent(ProcessHandle::destroy);
      return Outcome.SUCCEEDED;
    }
    DomainOutcome outcome = xl.shutdown(name, false, HostConfig.DEFAULT_XL_TIMEOUT);
    LOG.debug("no live supervisor; xl shutdown {}: {}", name, outcome);
    return Outcome.SUCCEEDED;
  }
}
