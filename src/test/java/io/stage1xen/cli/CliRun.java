package io.stage1xen.cli;

import io.stage1xen.lifecycle.Entrypoints;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the command line with captured output. */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(Entrypoints entrypoints, String argv0, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Stage1Cli.run(argv0, args, new PrintWriter(out, true), new PrintWriter(err, true), entrypoints);
    return new CliRun(code, out.toString(), err.toString());
  }
}
