package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What to run and how: the {@code app} object of an image manifest, or of a runtime app where it overrides the
 * image's. {@code user} and {@code group} are required (a name, a number, or a path whose owner is meant).
 * An empty {@code exec} is legal here (an image may leave it to the pod); running such an app is not.
 */
public record App(
    List<String> exec,
    @JsonInclude(Include.NON_EMPTY) List<EventHandler> eventHandlers,
    String user,
    String group,
    @JsonInclude(Include.NON_EMPTY) List<Long> supplementaryGIDs,
    Optional<String> workingDirectory,
    @JsonInclude(Include.NON_EMPTY) List<EnvironmentVariable> environment,
    @JsonInclude(Include.NON_EMPTY) List<MountPoint> mountPoints,
    @JsonInclude(Include.NON_EMPTY) List<Port> ports,
    @JsonInclude(Include.NON_EMPTY) Isolators isolators,
    @JsonInclude(Include.NON_EMPTY) Map<String, String> userAnnotations,
    @JsonInclude(Include.NON_EMPTY) Map<String, String> userLabels) {

  private static final long MAX_ID = 4294967294L;

  public App {
    exec = ImmutableCopies.strings(exec, "exec");
    eventHandlers = ImmutableCopies.list(eventHandlers, "eventHandlers");
    user = ImmutableCopies.required(user, "user");
    group = ImmutableCopies.required(group, "group");
    supplementaryGIDs = ImmutableCopies.list(supplementaryGIDs, "supplementaryGIDs");
    workingDirectory = workingDirectory == null ? Optional.empty() : workingDirectory.filter(w -> !w.isEmpty());
    workingDirectory.ifPresent(w -> ImmutableCopies.absolutePath(w, "workingDirectory"));
    environment = ImmutableCopies.list(environment, "environment");
    mountPoints = ImmutableCopies.list(mountPoints, "mountPoints");
    ports = ImmutableCopies.list(ports, "ports");
    isolators = isolators == null ? Isolators.EMPTY : isolators;
    userAnnotations = ImmutableCopies.stringMap(userAnnotations, "userAnnotations");
    userLabels = ImmutableCopies.stringMap(userLabels, "userLabels");

    for (int i = 0; i < supplementaryGIDs.size(); i++) {
      long gid = supplementaryGIDs.get(i);
      if (gid < 0 || gid > MAX_ID) {
        throw new InvalidValueException("supplementaryGIDs[" + i + "]", "must be in the range 0-" + MAX_ID, gid);
      }
    }
    Set<String> handlers = new HashSet<>();
    for (int i = 0; i < eventHandlers.size(); i++) {
      if (!handlers.add(eventHandlers.get(i).name())) {
        throw new InvalidValueException("eventHandlers[" + i + "].name", "only one handler of each kind is allowed",
            eventHandlers.get(i).name());
      }
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < environment.size(); i++) {
      if (!names.add(environment.get(i).name())) {
        throw new InvalidValueException("environment[" + i + "].name", "duplicate environment variable",
            environment.get(i).name());
      }
    }
  }

  /** A minimal app: the command and the user and group to run it as. */
  public static App of(List<String> exec, String user, String group) {
    return new App(exec, List.of(), user, group, List.of(), Optional.empty(), List.of(), List.of(), List.of(),
        Isolators.EMPTY, Map.of(), Map.of());
  }

  /** The working directory, {@code /} when the manifest leaves it unset (appc's default). */
  public String effectiveWorkingDirectory() {
    return workingDirectory.orElse("/");
  }

  public Optional<String> environmentValue(String name) {
    return environment.stream().filter(e -> e.name().equals(name)).map(EnvironmentVariable::value).findFirst();
  }

  public List<EventHandler> eventHandlers(String name) {
    return eventHandlers.stream().filter(h -> h.name().equals(name)).toList();
  }
}
