package io.stage1xen.pod;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.PodUuid;
import io.stage1xen.outcome.Stage1Failure;
import java.util.Optional;

/**
 * What rkt 1.30.0 passes to the app/* entrypoints: {@code --debug=<bool> [--uuid=U] --app=N}. Only add gets the
 * uuid. (The implementors' guide lists more flags for app/add; rkt 1.30.0 never passes them.)
 */
public record AppEntrypointParameters(AppAction action, boolean debug, Optional<PodUuid> uuid, AcName app) {
  public AppEntrypointParameters {
    if (action == null) {
      throw new Stage1Failure("the app action is required");
    }
    uuid = uuid == null ? Optional.empty() : uuid;
    if (app == null) {
      throw new Stage1Failure("--app is required");
    }
  }
}
