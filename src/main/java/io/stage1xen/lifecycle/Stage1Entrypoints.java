package io.stage1xen.lifecycle;

import io.stage1xen.pod.AppEntrypointParameters;
import io.stage1xen.pod.EnterParameters;
import io.stage1xen.pod.GcParameters;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.pod.StopParameters;

/** The production entrypoints. Not implemented yet: each fails with a one-line message. */
public final class Stage1Entrypoints implements Entrypoints {

  @Override
  public int run(RunParameters parameters) {
    throw new IllegalStateException("run is not implemented yet");
  }

  @Override
  public int enter(EnterParameters parameters) {
    throw new IllegalStateException("enter is not implemented yet");
  }

  @Override
  public int gc(GcParameters parameters) {
    throw new IllegalStateException("gc is not implemented yet");
  }

  @Override
  public int stop(StopParameters parameters) {
    throw new IllegalStateException("stop is not implemented yet");
  }

  @Override
  public int app(AppEntrypointParameters parameters) {
    throw new IllegalStateException(parameters.action().entrypoint() + " is not implemented yet");
  }
}
