package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.util.List;
import java.util.Optional;

/** An image manifest: the {@code manifest} file of an ACI (apps, and the stage1 itself). */
public record ImageManifest(
    String acKind,
    AcVersion acVersion,
    AcIdentifier name,
    @JsonInclude(Include.NON_EMPTY) Labels labels,
    Optional<App> app,
    @JsonInclude(Include.NON_EMPTY) Annotations annotations,
    @JsonInclude(Include.NON_EMPTY) List<Dependency> dependencies,
    @JsonInclude(Include.NON_EMPTY) List<String> pathWhitelist) {

  public static final String KIND = "ImageManifest";

  public ImageManifest {
    if (acKind == null || acKind.isEmpty()) {
      throw InvalidValueException.withoutValue("acKind", "is required (ImageManifest)");
    }
    if (!acKind.equals(KIND)) {
      throw new InvalidValueException("acKind", "must be " + KIND, acKind);
    }
    if (acVersion == null) {
      throw InvalidValueException.withoutValue("acVersion", "is required");
    }
    if (name == null) {
      throw InvalidValueException.withoutValue("name", "is required");
    }
    labels = labels == null ? Labels.EMPTY : labels;
    app = app == null ? Optional.empty() : app;
    annotations = annotations == null ? Annotations.EMPTY : annotations;
    dependencies = ImmutableCopies.list(dependencies, "dependencies");
    pathWhitelist = ImmutableCopies.strings(pathWhitelist, "pathWhitelist");
    for (int i = 0; i < pathWhitelist.size(); i++) {
      ImmutableCopies.absolutePath(pathWhitelist.get(i), "pathWhitelist[" + i + "]");
    }
  }

  public static ImageManifest of(String acVersion, String name, Labels labels, Optional<App> app,
      Annotations annotations) {
    return new ImageManifest(KIND, AcVersion.of(acVersion), AcIdentifier.of(name), labels, app, annotations,
        List.of(), List.of());
  }

  public Optional<String> annotation(String name) {
    return annotations.get(name);
  }

  public Optional<String> label(String name) {
    return labels.get(name);
  }
}
