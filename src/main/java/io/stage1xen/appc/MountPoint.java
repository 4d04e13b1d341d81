package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A place in an app's filesystem where the pod may mount a volume of the same name. */
public record MountPoint(
    AcName name, String path, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean readOnly) {
  public MountPoint {
    if (name == null) {
      throw InvalidValueException.withoutValue("name", "is required");
    }
    ImmutableCopies.absolutePath(path, "path");
  }
}
