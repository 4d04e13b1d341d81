package io.stage1xen.lifecycle;

import io.stage1xen.outcome.Outcome;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.AppEntrypointParameters;
import io.stage1xen.pod.EnterParameters;
import io.stage1xen.pod.GcParameters;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.pod.StopParameters;

/**
 * The stage1 entrypoints rkt calls, after their command lines were parsed. Each returns how it ended, and the
 * command line layer decides the exit code; a {@link Stage1Failure} is a failure told in one line, any other
 * exception a bug.
 */
public interface Entrypoints {
  /** {@code coreos.com/rkt/stage1/run}: the pod's supervisor for its whole life; returns {@code rkt run}'s code. */
  Outcome run(RunParameters parameters) throws Exception;

  /** {@code coreos.com/rkt/stage1/enter}: runs a command in a running app; returns the command's code. */
  Outcome enter(EnterParameters parameters) throws Exception;

  /** {@code coreos.com/rkt/stage1/gc}: releases what the pod held; must tolerate pods that never ran. */
  Outcome gc(GcParameters parameters) throws Exception;

  /** {@code coreos.com/rkt/stage1/stop}: asks the pod to stop (or kills it) and returns without waiting. */
  Outcome stop(StopParameters parameters) throws Exception;

  /** {@code coreos.com/rkt/stage1/app/*}: changes to a mutable pod; app/stop fails as
   * {@link Stage1Failure.Kind#APP_NOT_RUNNING} for an app not running. */
  Outcome app(AppEntrypointParameters parameters) throws Exception;
}
