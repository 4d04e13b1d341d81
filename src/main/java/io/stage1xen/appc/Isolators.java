package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The isolators of an app or a pod, with appc's set rules: the seccomp sets, cpu-shares, oom-score-adj and
 * selinux-context may appear once, and a seccomp retain set excludes a remove set.
 */
public record Isolators(List<Isolator> list) {
  public static final Isolators EMPTY = new Isolators(List.of());

  private static final Set<String> SINGLE = Set.of(SeccompRetainSet.NAME, SeccompRemoveSet.NAME, CpuShares.NAME,
      OomScoreAdj.NAME, SelinuxContext.NAME);
  private static final Map<String, String> CONFLICTS =
      Map.of(SeccompRetainSet.NAME, SeccompRemoveSet.NAME, SeccompRemoveSet.NAME, SeccompRetainSet.NAME);

  public Isolators {
    list = ImmutableCopies.list(list, "");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String name = list.get(i).name().value();
      if (seen.contains(name) && SINGLE.contains(name)) {
        throw new InvalidValueException("[" + i + "].name", "this isolator may appear only once", name);
      }
      String conflict = CONFLICTS.get(name);
      if (conflict != null && seen.contains(conflict)) {
        throw new InvalidValueException("[" + i + "].name", "cannot be combined with " + conflict, name);
      }
      seen.add(name);
    }
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Isolators of(List<Isolator> list) {
    return new Isolators(list);
  }

  @JsonValue
  @Override
  public List<Isolator> list() {
    return list;
  }

  /** The last isolator of this type (appc's GetByName also takes the last one). */
  public <T extends IsolatorValue> Optional<T> last(Class<T> type) {
    for (int i = list.size() - 1; i >= 0; i--) {
      if (type.isInstance(list.get(i).value())) {
        return Optional.of(type.cast(list.get(i).value()));
      }
    }
    return Optional.empty();
  }

  /** Isolators stage1-xen does not know; the caller reports them as ignored. */
  public List<Isolator> unknown() {
    return list.stream().filter(Isolator::isUnknown).toList();
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }
}
