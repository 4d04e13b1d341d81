package io.stage1xen.lifecycle;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A step of the run that goes on while the run's own thread does another (a mount process while xl creates the
 * domain): each waits on a process of its own, and dom0 has CPU to spare while xl create waits on Xen and QEMU. Its
 * outcome is read once, by {@link #await} where the run needs it done, or by {@link #settle} on the way out of a
 * failure, so that nothing of it outlives the run's cleanup.
 */
final class Overlap {
  /** What runs alongside. */
  interface Step {
    void run() throws Exception;
  }

  /** No step at all: awaiting it returns at once. */
  static final Overlap NOTHING = done();

  private final FutureTask<Void> task;

  private Overlap(FutureTask<Void> task) {
    this.task = task;
  }

  private static Overlap done() {
    FutureTask<Void> task = new FutureTask<>(() -> null);
    task.run();
    return new Overlap(task);
  }

  /** Starts the step on a thread of its own, named for the logs and thread dumps. */
  static Overlap start(String name, Step step) {
    FutureTask<Void> task = new FutureTask<>(() -> {
      step.run();
      return null;
    });
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
    return new Overlap(task);
  }

  /** Waits for the step; rethrows what it threw, as it threw it. */
  void await() throws Exception {
    try {
      task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * Waits for the step on the way out of {@code failure}, which stays the news: what the step threw is added to it
   * as suppressed. An interrupt is kept for the caller and ends the wait.
   */
  void settle(Exception failure) {
    try {
      await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.addSuppressed(e);
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }
}
