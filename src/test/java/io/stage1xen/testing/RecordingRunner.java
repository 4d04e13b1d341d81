package io.stage1xen.testing;

import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A process runner for tests: records every command and answers from a function of the command (exit 0 with no
 * output when the function has no answer) and records the processes it is asked to end. Nothing is executed.
 */
public final class RecordingRunner implements ProcessRunner {
  private final List<Command> commands = new ArrayList<>();
  private final List<Long> terminated = new ArrayList<>();
  private final Function<Command, ExecResult> answers;

  public RecordingRunner(Function<Command, ExecResult> answers) {
    this.answers = answers;
  }

  public RecordingRunner() {
    this(c -> null);
  }

  @Override
  public synchronized ExecResult run(Command command) throws ProcessException {
    commands.add(command);
    ExecResult r = answers.apply(command);
    return r != null ? r : new ExecResult(command, 0, "", "");
  }

  @Override
  public int runInteractive(Command command) {
    throw new AssertionError("not interactive: " + command);
  }

  /** Records the pid (nothing is signalled) and reports it ended. */
  @Override
  public synchronized boolean terminate(long pid, Duration grace) {
    terminated.add(pid);
    return true;
  }

  /** The pids {@link #terminate} was asked to end. */
  public synchronized List<Long> terminated() {
    return List.copyOf(terminated);
  }

  public synchronized List<Command> commands() {
    return List.copyOf(commands);
  }

  /** Every command line, as {@link Command#display()} shows it. */
  public synchronized List<String> lines() {
    return commands.stream().map(Command::display).toList();
  }

  public static String stdin(Command c) {
    return c.stdin() == null ? null : new String(c.stdin(), StandardCharsets.UTF_8);
  }
}
