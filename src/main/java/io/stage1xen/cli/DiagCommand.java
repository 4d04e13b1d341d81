package io.stage1xen.cli;

import io.stage1xen.process.ProcessException;
import io.stage1xen.process.SystemProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Hidden diagnostics that let the packaged executable (native or JVM) be checked for what the entrypoints rely on:
 * children never inherit our descriptors (rkt's lock fd must not leak into xl's daemon), and SIGTERM runs the
 * shutdown sequence.
 */
@Command(name = "diag", hidden = true, mixinStandardHelpOptions = true,
    description = "Diagnostics of the packaged executable.",
    subcommands = {DiagCommand.Exec.class, DiagCommand.AwaitSignal.class})
final class DiagCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: exec or await-signal");
  }

  @Command(name = "exec", mixinStandardHelpOptions = true,
      description = "Print this process's open fds on stderr, then run COMMAND through the process layer.")
  static final class Exec implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS") long timeout;
    @Option(names = "--debug", description = "Log every decision on stderr (shows the process layer's exec line).")
    boolean debug;
    @Parameters(arity = "1..*", paramLabel = "COMMAND") List<String> command;

    @Override
    public Integer call() throws IOException, ProcessException, InterruptedException {
      String fds;
      try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
        fds = s.map(p -> p.getFileName().toString()).sorted(Comparator.comparingInt(Integer::parseInt))
            .collect(Collectors.joining(" "));
      }
      spec.commandLine().getErr().println("diag: parent fds: " + fds);
      spec.commandLine().getErr().flush();
      int rc = new SystemProcessRunner(System.getenv())
          .runInteractive(io.stage1xen.process.Command.of(Duration.ofSeconds(timeout), command));
      spec.commandLine().getErr().println("diag: child exit code " + rc);
      return rc == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }
  }

  @Command(name = "await-signal", mixinStandardHelpOptions = true,
      description = "Install a shutdown hook, create READY-FILE, then wait for a signal (at most SECONDS).")
  static final class AwaitSignal implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--ready-file", required = true, paramLabel = "READY-FILE") Path readyFile;
    @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS") long timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.err.println("diag: shutdown hook ran");
        System.err.flush();
      }, "diag-shutdown"));
      Files.writeString(readyFile, Long.toString(ProcessHandle.current().pid()));
      Thread.sleep(Duration.ofSeconds(timeout).toMillis());
      throw new IllegalStateException("no signal arrived within " + timeout + " s");
    }
  }
}
