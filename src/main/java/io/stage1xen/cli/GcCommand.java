package io.stage1xen.cli;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.lifecycle.Entrypoints;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.pod.GcParameters;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The coreos.com/rkt/stage1/gc entrypoint: {@code [--debug] [--local-config DIR] UUID} (rkt writes two words). */
@Command(name = "gc", description = "rkt stage1 gc entrypoint: releases what an exited pod held.",
    mixinStandardHelpOptions = true, sortOptions = false)
final class GcCommand extends EntrypointCommand<GcParameters> {
  @Option(names = "--debug", arity = "0..1", converter = ValueConverters.GoBool.class,
      description = "Log every decision to stderr.")
  boolean debug;

  @Option(names = "--local-config", paramLabel = "DIR", description = "rkt's local configuration directory.")
  Path localConfig;

  @Parameters(index = "0", paramLabel = "UUID", converter = ValueConverters.Uuid.class, description = "The pod.")
  PodUuid uuid;

  GcCommand(Entrypoints entrypoints) {
    super(entrypoints);
  }

  @Override
  GcParameters parameters() {
    return new GcParameters(debug, Optional.ofNullable(localConfig), uuid);
  }

  @Override
  Outcome call(Entrypoints entrypoints, GcParameters parameters) throws Exception {
    return entrypoints.gc(parameters);
  }
}
