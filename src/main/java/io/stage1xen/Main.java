package io.stage1xen;

import io.stage1xen.cli.Stage1Cli;

/** Process entry: the only place that calls System.exit. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Stage1Cli.run(Stage1Cli.programName(), args));
  }
}
