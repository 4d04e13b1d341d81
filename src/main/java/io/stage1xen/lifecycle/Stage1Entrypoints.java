package io.stage1xen.lifecycle;

import io.stage1xen.pod.AppEntrypointParameters;
import io.stage1xen.pod.EnterParameters;
import io.stage1xen.pod.GcParameters;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.pod.StopParameters;
import io.stage1xen.xen.CliXl;
import io.stage1xen.xen.HostConfig;
import io.stage1xen.xen.Xl;
import java.time.Duration;
import java.util.function.Supplier;

/** The entrypoints over a real (or, in tests, a fake) environment. */
public final class Stage1Entrypoints implements Entrypoints {
  private final Supplier<Stage1Environment> environment;

  public Stage1Entrypoints() {
    this(Stage1Environment::system);
  }

  public Stage1Entrypoints(Supplier<Stage1Environment> environment) {
    this.environment = environment;
  }

  @Override
  public int run(RunParameters parameters) throws Exception {
    Stage1Environment env = environment.get();
    return new RunSupervisor(env, parameters, timeout -> xl(env, timeout)).run();
  }

  @Override
  public int enter(EnterParameters parameters) throws Exception {
    return new EnterClient(environment.get()).enter(parameters);
  }

  @Override
  public int gc(GcParameters parameters) throws Exception {
    Stage1Environment env = environment.get();
    return new PodCollector(env, xl(env, HostConfig.DEFAULT_XL_TIMEOUT)).gc(parameters);
  }

  @Override
  public int stop(StopParameters parameters) throws Exception {
    Stage1Environment env = environment.get();
    return new StopRequest(env, xl(env, HostConfig.DEFAULT_XL_TIMEOUT)).stop(parameters);
  }

  @Override
  public int app(AppEntrypointParameters parameters) {
    throw new IllegalStateException("mutable pods (rkt app ...) are not supported by stage1-xen");
  }

  private static Xl xl(Stage1Environment env, Duration timeout) {
    return new CliXl(env.processes(), timeout);
  }
}
