package io.stage1xen.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Resolves a program name to an executable file the way execvp does: absolute as given, else along PATH. */
public final class Executables {
  /** The PATH used when the environment has none (rkt passes its own PATH through, but be safe). */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private Executables() {}

  public static Optional<Path> resolve(String program, String pathVariable) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = pathVariable == null || pathVariable.isEmpty() ? DEFAULT_PATH : pathVariable;
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public static Path require(String program, String pathVariable) throws ExecutableNotFoundException {
    return resolve(program, pathVariable).orElseThrow(() -> new ExecutableNotFoundException(program,
        program.contains("/") ? "that path" : "PATH=" + (pathVariable == null ? DEFAULT_PATH : pathVariable)));
  }
}
