package io.stage1xen.lifecycle;

import io.stage1xen.pod.AppEntrypointParameters;
import io.stage1xen.pod.EnterParameters;
import io.stage1xen.pod.GcParameters;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.pod.StopParameters;
import java.util.ArrayList;
import java.util.List;

/** A test double that records the parameters of every call and returns a chosen exit code. */
public final class RecordingEntrypoints implements Entrypoints {
  public final List<Object> calls = new ArrayList<>();
  private final int exitCode;

  public RecordingEntrypoints(int exitCode) {
    this.exitCode = exitCode;
  }

  public RecordingEntrypoints() {
    this(0);
  }

  /** The only call made; fails when there was none or more than one. */
  public Object only() {
    if (calls.size() != 1) {
      throw new AssertionError("expected exactly one call, got " + calls);
    }
    return calls.get(0);
  }

  @Override
  public int run(RunParameters parameters) {
    calls.add(parameters);
    return exitCode;
  }

  @Override
  public int enter(EnterParameters parameters) {
    calls.add(parameters);
    return exitCode;
  }

  @Override
  public int gc(GcParameters parameters) {
    calls.add(parameters);
    return exitCode;
  }

  @Override
  public int stop(StopParameters parameters) {
    calls.add(parameters);
    return exitCode;
  }

  @Override
  public int app(AppEntrypointParameters parameters) {
    calls.add(parameters);
    return exitCode;
  }
}
