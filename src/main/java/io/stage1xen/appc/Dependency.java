package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.util.Optional;

/** An image an image is layered on. */
public record Dependency(
    AcIdentifier imageName, Optional<ImageId> imageID, @JsonInclude(Include.NON_EMPTY) Labels labels,
    Optional<Long> size) {
  public Dependency {
    if (imageName == null) {
      throw InvalidValueException.withoutValue("imageName", "is required");
    }
    imageID = imageID == null ? Optional.empty() : imageID;
    labels = labels == null ? Labels.EMPTY : labels;
    size = size == null ? Optional.empty() : size;
    size.ifPresent(s -> {
      if (s < 0) {
        throw new InvalidValueException("size", "must not be negative", s);
      }
    });
  }
}
