package io.stage1xen.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The coreos.com/rkt/stage1/enter entrypoint (placeholder until its issue lands). */
@Command(name = "enter", description = "rkt stage1 enter entrypoint.", mixinStandardHelpOptions = true)
final class EnterCommand implements Callable<Integer> {
  @Parameters(arity = "0..*") List<String> rest;

  @Override
  public Integer call() {
    throw new IllegalStateException("enter is not implemented yet");
  }
}
