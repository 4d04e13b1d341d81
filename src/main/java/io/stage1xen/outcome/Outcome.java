package io.stage1xen.outcome;

/**
 * How an entrypoint ended when it did not fail: what {@code cli.ExitCodes} turns into the process's exit code.
 * Failures are {@link Stage1Failure}s.
 */
public sealed interface Outcome {
  /** It did what was asked. */
  Outcome SUCCEEDED = new Succeeded();
  /** The pod was killed rather than stopped: rkt stop --force, or a stop its guest did not carry out in time. */
  Outcome KILLED = new Killed();

  /** An app's or an entered command's own exit status (0 to 255), which rkt passes on as its own. */
  static Outcome exited(int status) {
    return new Exited(status);
  }

  record Succeeded() implements Outcome {}

  record Killed() implements Outcome {}

  record Exited(int status) implements Outcome {
    public Exited {
      if (status < 0 || status > 255) {
        throw new IllegalArgumentException("exit status " + status + " is outside 0..255");
      }
    }
  }
}
