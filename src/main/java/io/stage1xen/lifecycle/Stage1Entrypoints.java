package io.stage1xen.lifecycle;

import io.stage1xen.appc.InvalidManifestException;
import io.stage1xen.guest.ProtocolException;
import io.stage1xen.host.HostException;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.AppEntrypointParameters;
import io.stage1xen.pod.EnterParameters;
import io.stage1xen.pod.GcParameters;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.pod.StopParameters;
import io.stage1xen.process.ProcessException;
import io.stage1xen.xen.CliXl;
import io.stage1xen.xen.HostConfig;
import io.stage1xen.xen.Xl;
import io.stage1xen.xen.XlException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The entrypoints over a real (or, in tests, a fake) environment. The checked exceptions of the domain packages
 * carry messages written for a person (xl's own words, a manifest's file and field, the host's missing piece); they
 * leave here as {@link Stage1Failure}s, the one failure type the command line knows.
 */
public final class Stage1Entrypoints implements Entrypoints {
  private final Supplier<Stage1Environment> environment;

  public Stage1Entrypoints() {
    this(Stage1Environment::system);
  }

  public Stage1Entrypoints(Supplier<Stage1Environment> environment) {
    this.environment = environment;
  }

  @Override
  public Outcome run(RunParameters parameters) throws Exception {
    Stage1Environment env = environment.get();
    return told(() -> new RunSupervisor(env, parameters, timeout -> xl(env, timeout)).run());
  }

  @Override
  public Outcome enter(EnterParameters parameters) throws Exception {
    return told(() -> new EnterClient(environment.get()).enter(parameters));
  }

  @Override
  public Outcome gc(GcParameters parameters) throws Exception {
    Stage1Environment env = environment.get();
    return told(() -> new PodCollector(env, xl(env, HostConfig.DEFAULT_XL_TIMEOUT)).gc(parameters));
  }

  @Override
  public Outcome stop(StopParameters parameters) throws Exception {
    Stage1Environment env = environment.get();
    return told(() -> new StopRequest(env, xl(env, HostConfig.DEFAULT_XL_TIMEOUT)).stop(parameters));
  }

  @Override
  public Outcome app(AppEntrypointParameters parameters) throws Exception {
    return told(() -> new AppChanges(environment.get()).change(parameters));
  }

  private interface Step {
    Outcome call() throws Exception;
  }

  private static Outcome told(Step step) throws Exception {
    try {
      return step.call();
    } catch (XlException | ProcessException | HostException | InvalidManifestException | ProtocolException e) {
      throw new Stage1Failure(e.getMessage(), e);
    }
  }

  private static Xl xl(Stage1Environment env, Duration timeout) {
    return new CliXl(env.processes(), timeout);
  }
}
