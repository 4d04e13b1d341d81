package io.stage1xen.pod;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.outcome.Stage1Failure;

/** What rkt passes to the stop entrypoint: {@code [--force] <uuid>}. */
public record StopParameters(boolean force, PodUuid uuid) {
  public StopParameters {
    if (uuid == null) {
      throw new Stage1Failure("the pod UUID is required");
    }
  }
}
