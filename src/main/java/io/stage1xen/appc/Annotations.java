package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Annotations of an image, a pod or a runtime app; names are unique. */
public record Annotations(List<Annotation> list) {
  public static final Annotations EMPTY = new Annotations(List.of());

  public Annotations {
    list = ImmutableCopies.list(list, "");
    Set<AcIdentifier> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      if (!seen.add(list.get(i).name())) {
        throw new InvalidValueException("[" + i + "].name", "duplicate annotation name", list.get(i).name().value());
      }
    }
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Annotations of(List<Annotation> list) {
    return new Annotations(list);
  }

  @JsonValue
  @Override
  public List<Annotation> list() {
    return list;
  }

  public Optional<String> get(String name) {
    for (Annotation a : list) {
      if (a.name().value().equals(name)) {
        return Optional.of(a.value());
      }
    }
    return Optional.empty();
  }

  /** A copy with {@code name} set to {@code value}, replacing an existing value in place. */
  public Annotations with(String name, String value) {
    List<Annotation> copy = new ArrayList<>(list);
    Annotation added = Annotation.of(name, value);
    for (int i = 0; i < copy.size(); i++) {
      if (copy.get(i).name().equals(added.name())) {
        copy.set(i, added);
        return new Annotations(copy);
      }
    }
    copy.add(added);
    return new Annotations(copy);
  }

  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    list.forEach(a -> m.put(a.name().value(), a.value()));
    return m;
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }
}
