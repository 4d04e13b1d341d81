package io.stage1xen.lifecycle;

import io.stage1xen.outcome.Outcome;
import io.stage1xen.pod.AppEntrypointParameters;
import io.stage1xen.pod.EnterParameters;
import io.stage1xen.pod.GcParameters;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.pod.StopParameters;
import java.util.ArrayList;
import java.util.List;

/** A test double that records the parameters of every call and ends each as chosen: an outcome, or a failure. */
public final class RecordingEntrypoints implements Entrypoints {
  public final List<Object> calls = new ArrayList<>();
  private final Outcome outcome;
  private final Exception failure;

  private RecordingEntrypoints(Outcome outcome, Exception failure) {
    this.outcome = outcome;
    this.failure = failure;
  }

  public RecordingEntrypoints(Outcome outcome) {
    this(outcome, null);
  }

  public RecordingEntrypoints() {
    this(Outcome.SUCCEEDED);
  }

  /** Ends every call with this exception: a {@code Stage1Failure}, or anything a bug or the system may throw. */
  public static RecordingEntrypoints failing(Exception failure) {
    return new RecordingEntrypoints(null, failure);
  }

  private Outcome end() throws Exception {
    if (failure != null) {
      throw failure;
    }
    return outcome;
  }

  /** The only call made; fails when there was none or more than one. */
  public Object only() {
    if (calls.size() != 1) {
      throw new AssertionError("expected exactly one call, got " + calls);
    }
    return calls.get(0);
  }

  @Override
  public Outcome run(RunParameters parameters) throws Exception {
    calls.add(parameters);
    return end();
  }

  @Override
  public Outcome enter(EnterParameters parameters) throws Exception {
    calls.add(parameters);
    return end();
  }

  @Override
  public Outcome gc(GcParameters parameters) throws Exception {
    calls.add(parameters);
    return end();
  }

  @Override
  public Outcome stop(StopParameters parameters) throws Exception {
    calls.add(parameters);
    return end();
  }

  @Override
  public Outcome app(AppEntrypointParameters parameters) throws Exception {
    calls.add(parameters);
    return end();
  }
}
