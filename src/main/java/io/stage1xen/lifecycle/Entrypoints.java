package io.stage1xen.lifecycle;

import io.stage1xen.pod.AppEntrypointParameters;
import io.stage1xen.pod.EnterParameters;
import io.stage1xen.pod.GcParameters;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.pod.StopParameters;

/**
 * The stage1 entrypoints rkt calls, after their command lines were parsed. Each returns the process's exit code;
 * exceptions are failures that the command line layer turns into a one-line message and exit code 254.
 */
public interface Entrypoints {
  /** {@code coreos.com/rkt/stage1/run}: the pod's supervisor for its whole life; returns {@code rkt run}'s code. */
  int run(RunParameters parameters) throws Exception;

  /** {@code coreos.com/rkt/stage1/enter}: runs a command in a running app; returns the command's code. */
  int enter(EnterParameters parameters) throws Exception;

  /** {@code coreos.com/rkt/stage1/gc}: releases what the pod held; must tolerate pods that never ran. */
  int gc(GcParameters parameters) throws Exception;

  /** {@code coreos.com/rkt/stage1/stop}: asks the pod to stop (or kills it) and returns without waiting. */
  int stop(StopParameters parameters) throws Exception;

  /** {@code coreos.com/rkt/stage1/app/*}: changes to a mutable pod; app/stop returns 5 for an app not running. */
  int app(AppEntrypointParameters parameters) throws Exception;
}
