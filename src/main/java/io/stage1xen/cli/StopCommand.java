package io.stage1xen.cli;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.lifecycle.Entrypoints;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.pod.StopParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The coreos.com/rkt/stage1/stop entrypoint: {@code [--force] UUID}. */
@Command(name = "stop", description = "rkt stage1 stop entrypoint: asks a running pod to stop.",
    mixinStandardHelpOptions = true, sortOptions = false)
final class StopCommand extends EntrypointCommand<StopParameters> {
  @Option(names = "--force", arity = "0..1", converter = ValueConverters.GoBool.class,
      description = "Kill the pod instead of shutting it down.")
  boolean force;

  @Parameters(index = "0", paramLabel = "UUID", converter = ValueConverters.Uuid.class, description = "The pod.")
  PodUuid uuid;

  StopCommand(Entrypoints entrypoints) {
    super(entrypoints);
  }

  @Override
  StopParameters parameters() {
    return new StopParameters(force, uuid);
  }

  @Override
  Outcome call(Entrypoints entrypoints, StopParameters parameters) throws Exception {
    return entrypoints.stop(parameters);
  }
}
