package io.stage1xen.pod;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Path;
import java.util.Optional;

/** What rkt passes to the gc entrypoint: {@code [--debug] [--local-config DIR] <uuid>} (two words for the config). */
public record GcParameters(boolean debug, Optional<Path> localConfig, PodUuid uuid) {
  public GcParameters {
    localConfig = localConfig == null ? Optional.empty()
        : localConfig.map(p -> EntrypointValues.path(p, "--local-config"));
    if (uuid == null) {
      throw new Stage1Failure("the pod UUID is required");
    }
  }
}
