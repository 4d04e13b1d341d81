package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pod manifest rkt writes to {@code <pod>/pod}. Besides every field's own rules, the constructor enforces the
 * rules across objects: app names unique, volume names unique, and every mount names a pod volume (or carries an
 * {@code appVolume}). A mount point without a volume is legal: rkt leaves creating an empty volume for it to the
 * stage1.
 */
public record PodManifest(
    AcVersion acVersion,
    String acKind,
    List<RuntimeApp> apps,
    List<Volume> volumes,
    Isolators isolators,
    Annotations annotations,
    List<PodPort> ports,
    @JsonInclude(Include.NON_EMPTY) Map<String, String> userAnnotations,
    @JsonInclude(Include.NON_EMPTY) Map<String, String> userLabels) {

  public static final String KIND = "PodManifest";
  /** rkt's pod annotation that marks a pod started by {@code rkt app sandbox}. */
  public static final String MUTABLE_ANNOTATION = "coreos.com/rkt/stage1/mutable";

  public PodManifest {
    if (acVersion == null) {
      throw InvalidValueException.withoutValue("acVersion", "is required");
    }
    if (acKind == null || acKind.isEmpty()) {
      throw InvalidValueException.withoutValue("acKind", "is required (PodManifest)");
    }
    if (!acKind.equals(KIND)) {
      throw new InvalidValueException("acKind", "must be " + KIND, acKind);
    }
    apps = ImmutableCopies.list(apps, "apps");
    volumes = ImmutableCopies.list(volumes, "volumes");
    isolators = isolators == null ? Isolators.EMPTY : isolators;
    annotations = annotations == null ? Annotations.EMPTY : annotations;
    ports = ImmutableCopies.list(ports, "ports");
    userAnnotations = ImmutableCopies.stringMap(userAnnotations, "userAnnotations");
    userLabels = ImmutableCopies.stringMap(userLabels, "userLabels");

    Set<AcName> appNames = new HashSet<>();
    for (int i = 0; i < apps.size(); i++) {
      if (!appNames.add(apps.get(i).name())) {
        throw new InvalidValueException("apps[" + i + "].name", "duplicate app name", apps.get(i).name().value());
      }
    }
    Set<AcName> volumeNames = new HashSet<>();
    for (int i = 0; i < volumes.size(); i++) {
      if (!volumeNames.add(volumes.get(i).name())) {
        throw new InvalidValueException("volumes[" + i + "].name", "duplicate volume name",
            volumes.get(i).name().value());
      }
    }
    for (int i = 0; i < apps.size(); i++) {
      List<Mount> mounts = apps.get(i).mounts();
      for (int j = 0; j < mounts.size(); j++) {
        Mount m = mounts.get(j);
        if (m.appVolume().isEmpty() && !volumeNames.contains(m.volume())) {
          throw new InvalidValueException("apps[" + i + "].mounts[" + j + "].volume",
              "names no volume of the pod", m.volume().value());
        }
      }
    }
  }

  public static PodManifest of(String acVersion, List<RuntimeApp> apps, List<Volume> volumes) {
    return new PodManifest(AcVersion.of(acVersion), KIND, apps, volumes, Isolators.EMPTY, Annotations.EMPTY,
        List.of(), Map.of(), Map.of());
  }

  public Optional<RuntimeApp> app(AcName name) {
    return apps.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  public List<AcName> appNames() {
    return apps.stream().map(RuntimeApp::name).toList();
  }

  public Optional<Volume> volume(AcName name) {
    return volumes.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** Whether rkt started this pod as a mutable sandbox ({@code rkt app sandbox}). */
  public boolean isMutable() {
    return annotations.get(MUTABLE_ANNOTATION).map("true"::equals).orElse(false);
  }
}
