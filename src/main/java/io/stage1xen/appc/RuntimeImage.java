package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.util.Optional;

/** The image a runtime app runs: its ID (required), and the name and labels it was fetched by. */
public record RuntimeImage(
    Optional<AcIdentifier> name, ImageId id, @JsonInclude(Include.NON_EMPTY) Labels labels) {
  public RuntimeImage {
    name = name == null ? Optional.empty() : name;
    if (id == null) {
      throw InvalidValueException.withoutValue("id", "is required");
    }
    labels = labels == null ? Labels.EMPTY : labels;
  }
}
