package io.stage1xen.pod;

import java.util.Optional;

/** The directory under {@code <dataDir>/pods/} that holds a pod, which is how rkt records a pod's state. */
public enum PodState {
  EMBRYO("embryo"),
  PREPARE("prepare"),
  PREPARED("prepared"),
  RUN("run"),
  /** An exited pod marked by {@code rkt gc}; the gc entrypoint runs here. */
  EXITED_GARBAGE("exited-garbage"),
  GARBAGE("garbage");

  private final String directory;

  PodState(String directory) {
    this.directory = directory;
  }

  public String directory() {
    return directory;
  }

  public static Optional<PodState> ofDirectory(String name) {
    for (PodState s : values()) {
      if (s.directory.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
