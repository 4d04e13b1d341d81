package io.stage1xen.xen;

import io.stage1xen.host.GuestTypeRequest;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The operator's wishes for one pod, resolved. Precedence, strongest first: the environment variable
 * {@value #GUEST_TYPE_ENV} (guest type only), the pod's {@code stage1-xen/*} annotations, host.conf, then the
 * built-in defaults and automatic choice.
 */
public record OperatorSettings(
    GuestTypeRequest guestType,
    ResourcePolicy resources,
    ResourceOverrides overrides,
    Path kernel,
    Optional<Path> initrd,
    List<XlSetting> extra,
    Duration xlTimeout,
    Duration readinessTimeout,
    Duration stopGrace,
    HostVolumeOwnership hostVolumeOwnership) {

  public static final String GUEST_TYPE_ENV = "STAGE1_XEN_GUEST_TYPE";

  public OperatorSettings {
    Objects.requireNonNull(guestType, "guestType");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(overrides, "overrides");
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(initrd, "initrd");
    extra = List.copyOf(extra);
    Objects.requireNonNull(xlTimeout, "xlTimeout");
    Objects.requireNonNull(readinessTimeout, "readinessTimeout");
    Objects.requireNonNull(stopGrace, "stopGrace");
    Objects.requireNonNull(hostVolumeOwnership, "hostVolumeOwnership");
  }

  /**
   * @param annotations the pod's merged {@code stage1-xen/*} annotations ({@link PodAnnotations#merge})
   * @param environment the environment stage1-xen runs with
   * @param defaultKernel the guest kernel shipped in the stage1 image
   * @param defaultInitrd the guest initrd shipped in the stage1 image
   */
  public static OperatorSettings resolve(HostConfig host, Map<String, String> annotations,
      Map<String, String> environment, Path defaultKernel, Optional<Path> defaultInitrd) {
    GuestTypeRequest guestType = host.guestType();
    if (annotations.containsKey(PodAnnotations.GUEST_TYPE)) {
      guestType = GuestTypeRequest.parse(annotations.get(PodAnnotations.GUEST_TYPE),
          "annotation " + PodAnnotations.GUEST_TYPE);
    }
    String env = environment.get(GUEST_TYPE_ENV);
    if (env != null && !env.isBlank()) {
      guestType = GuestTypeRequest.parse(env, "environment variable " + GUEST_TYPE_ENV);
    }

    OptionalLong memory = OptionalLong.empty();
    if (annotations.containsKey(PodAnnotations.MEMORY_MIB)) {
      memory = OptionalLong.of(HostConfig.number("annotation " + PodAnnotations.MEMORY_MIB,
          annotations.get(PodAnnotations.MEMORY_MIB).strip(), 1, 1L << 30));
    }
    OptionalInt vcpus = OptionalInt.empty();
    if (annotations.containsKey(PodAnnotations.VCPUS)) {
      vcpus = OptionalInt.of((int) HostConfig.number("annotation " + PodAnnotations.VCPUS,
          annotations.get(PodAnnotations.VCPUS).strip(), 1, 4096));
    }
    ResourceOverrides overrides = new ResourceOverrides(memory, "annotation " + PodAnnotations.MEMORY_MIB, vcpus,
        "annotation " + PodAnnotations.VCPUS);

    Path kernel = path(annotations, PodAnnotations.KERNEL).or(host::kernel).orElse(defaultKernel);
    Optional<Path> initrd = path(annotations, PodAnnotations.INITRD).or(host::initrd).or(() -> defaultInitrd);

    return new OperatorSettings(guestType, host.resources(), overrides, kernel, initrd,
        extra(host, annotations.get(PodAnnotations.XL_CONFIG)), host.xlTimeout(), host.readinessTimeout(),
        host.stopGrace(), host.hostVolumeOwnership());
  }

  private static Optional<Path> path(Map<String, String> annotations, String name) {
    String v = annotations.get(name);
    return v == null ? Optional.empty() : Optional.of(HostConfig.absolute("annotation " + name, v.strip()));
  }

  /** host.conf's extra keys, then the annotation's; the pod's value wins for a key both set. */
  private static List<XlSetting> extra(HostConfig host, String annotation) {
    Map<String, XlSetting> byKey = new LinkedHashMap<>();
    for (XlSetting s : host.extra()) {
      byKey.put(s.key(), s);
    }
    if (annotation != null) {
      Map<String, XlSetting> pod = new LinkedHashMap<>();
      String[] lines = annotation.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String source = "annotation " + PodAnnotations.XL_CONFIG + " line " + (i + 1);
        XlSetting s = XlSettingParser.parse(line, source);
        XlKeyPolicy.check(s.key(), host.allowedKeys(), source);
        if (pod.put(s.key(), s) != null) {
          throw new Stage1Failure(source + ": xl key '" + s.key() + "' is set twice");
        }
      }
      for (XlSetting s : pod.values()) {
        byKey.remove(s.key());
        byKey.put(s.key(), s);
      }
    }
    return new ArrayList<>(byKey.values());
  }
}
