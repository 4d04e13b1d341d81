package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Image labels, with the appc rules: names unique, {@code name} is not a label, and {@code os}/{@code arch} form a
 * known pair.
 */
public record Labels(List<Label> list) {
  public static final Labels EMPTY = new Labels(List.of());

  /** appc's ValidOSArch table. */
  private static final Map<String, Set<String>> VALID_OS_ARCH = Map.of(
      "linux", Set.of("amd64", "i386", "aarch64", "aarch64_be", "armv6l", "armv7l", "armv7b", "ppc64", "ppc64le",
          "s390x"),
      "freebsd", Set.of("amd64", "i386", "arm"),
      "darwin", Set.of("x86_64", "i386"));

  public Labels {
    list = ImmutableCopies.list(list, "");
    Set<AcIdentifier> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      AcIdentifier name = list.get(i).name();
      if (name.value().equals("name")) {
        throw new InvalidValueException("[" + i + "].name", "'name' is not allowed as a label name", name.value());
      }
      if (!seen.add(name)) {
        throw new InvalidValueException("[" + i + "].name", "duplicate label name", name.value());
      }
    }
    checkOsArch(list);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Labels of(List<Label> list) {
    return new Labels(list);
  }

  @JsonValue
  @Override
  public List<Label> list() {
    return list;
  }

  public Optional<String> get(String name) {
    for (Label l : list) {
      if (l.name().value().equals(name)) {
        return Optional.of(l.value());
      }
    }
    return Optional.empty();
  }

  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    list.forEach(l -> m.put(l.name().value(), l.value()));
    return m;
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  private static void checkOsArch(List<Label> list) {
    int osIndex = indexOf(list, "os");
    if (osIndex < 0) {
      return;
    }
    String os = list.get(osIndex).value();
    Set<String> arches = VALID_OS_ARCH.get(os);
    if (arches == null) {
      throw new InvalidValueException("[" + osIndex + "].value", "unknown os (linux, freebsd or darwin)", os);
    }
    int archIndex = indexOf(list, "arch");
    if (archIndex >= 0 && !arches.contains(list.get(archIndex).value())) {
      throw new InvalidValueException("[" + archIndex + "].value", "arch not valid for os " + os,
          list.get(archIndex).value());
    }
  }

  private static int indexOf(List<Label> list, String name) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).name().value().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
