package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.util.List;
import java.util.Optional;

/**
 * One app of a pod. {@code app}, when present, replaces the image's {@code app} section (rkt writes the merged
 * result of the image and the command line here).
 */
public record RuntimeApp(
    AcName name,
    RuntimeImage image,
    Optional<App> app,
    @JsonInclude(Include.NON_DEFAULT) boolean readOnlyRootFS,
    @JsonInclude(Include.NON_EMPTY) List<Mount> mounts,
    @JsonInclude(Include.NON_EMPTY) Annotations annotations) {

  public RuntimeApp {
    if (name == null) {
      throw InvalidValueException.withoutValue("name", "is required");
    }
    if (image == null) {
      throw InvalidValueException.withoutValue("image", "is required");
    }
    app = app == null ? Optional.empty() : app;
    mounts = ImmutableCopies.list(mounts, "mounts");
    annotations = annotations == null ? Annotations.EMPTY : annotations;
  }
}
