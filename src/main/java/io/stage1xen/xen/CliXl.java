package io.stage1xen.xen;

import io.stage1xen.host.XlInfoParser;
import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ExecutableNotFoundException;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import io.stage1xen.process.ProcessTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@link Xl} over the process runner. Facts it relies on (xl 4.17.7, measured): {@code xl domid} of an unknown name
 * exits 1 with "Can't get domid of domain name '…', maybe this domain does not exist."; {@code xl destroy},
 * {@code shutdown} and {@code console} of one exit 1 with "… is an invalid domain identifier (rc=-6)"; creating a
 * second domain with a taken name exits 3. Not-found is decided by asking {@code xl domid} again after a failure,
 * not by matching messages, except for {@code xl domid} itself.
 */
public final class CliXl implements Xl {
  private static final String NO_SUCH_DOMAIN = "maybe this domain does not exist";

  private final ProcessRunner runner;
  private final Duration timeout;
  private final DomainListDecoder listDecoder;

  /**
   * @param timeout the limit for every call that does not take its own (create, destroy, domid, list, info)
   */
  public CliXl(ProcessRunner runner, Duration timeout, DomainListDecoder listDecoder) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.listDecoder = Objects.requireNonNull(listDecoder, "listDecoder");
  }

  public CliXl(ProcessRunner runner, Duration timeout) {
    this(runner, timeout, new XlListJson());
  }

  @Override
  public void create(Path config, String name, Path logFile, boolean paused) throws XlException,
      InterruptedException {
    requireAbsolute(config);
    // No "xl domid" first: xl itself refuses a taken name (exit 3), and every process start counts at pod start.
    Command command = paused ? Command.of(timeout, "xl", "create", "-p", config.toString())
        : Command.of(timeout, "xl", "create", config.toString());
    ExecResult r = run(command.withOutputFile(logFile));
    if (!r.succeeded()) {
      OptionalInt raced = domid(name);
      if (r.exitCode() == 3 && raced.isPresent() && r.stdout().contains("already exists")) {
        throw new DomainExistsException(name, raced.getAsInt());
      }
      throw XlCommandException.ofCreate(r, name);
    }
  }

  @Override
  public DomainOutcome unpause(String name) throws XlException, InterruptedException {
    return onDomain(Command.of(timeout, "xl", "unpause", name), name);
  }

  @Override
  public int createAttached(Path config, Duration limit) throws XlException, InterruptedException {
    requireAbsolute(config);
    return interactive(Command.of(limit, "xl", "create", "-c", config.toString()));
  }

  @Override
  public DomainOutcome shutdown(String name, boolean wait, Duration limit) throws XlException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("xl", "shutdown"));
    if (wait) {
      argv.add("-w");
    }
    argv.add(name);
    return onDomain(Command.of(limit, argv), name);
  }

  @Override
  public DomainOutcome destroy(String name) throws XlException, InterruptedException {
    return onDomain(Command.of(timeout, "xl", "destroy", name), name);
  }

  @Override
  public OptionalInt domid(String name) throws XlException, InterruptedException {
    ExecResult r = run(Command.of(timeout, "xl", "domid", name));
    if (!r.succeeded()) {
      if (r.stderr().contains(NO_SUCH_DOMAIN)) {
        return OptionalInt.empty();
      }
      throw new XlCommandException(r);
    }
    String out = r.stdout().strip();
    try {
      return OptionalInt.of(Integer.parseInt(out));
    } catch (NumberFormatException e) {
      throw new XlException("'xl domid " + name + "' printed '" + XlSyntax.show(out) + "', not a domain id");
    }
  }

  @Override
  public List<DomainSummary> list() throws XlException, InterruptedException {
    ExecResult r = run(Command.of(timeout, "xl", "list", "-l"));
    if (r.succeeded() && r.stdout().stripLeading().startsWith("[")) {
      return listDecoder.decode(r.stdout());
    }
    // an xl configured for SXP output (or without JSON support) still prints the plain table
    ExecResult table = run(Command.of(timeout, "xl", "list"));
    if (!table.succeeded()) {
      throw new XlCommandException(table);
    }
    return parseTable(table.stdout());
  }

  @Override
  public String dmesg() throws XlException, InterruptedException {
    ExecResult r = run(Command.of(timeout, "xl", "dmesg"));
    if (!r.succeeded()) {
      throw new XlCommandException(r);
    }
    return r.stdout();
  }

  @Override
  public Map<String, String> info() throws XlException, InterruptedException {
    ExecResult r = run(Command.of(timeout, "xl", "info"));
    if (!r.succeeded()) {
      throw new XlCommandException(r);
    }
    return XlInfoParser.parseLines(r.stdout());
  }

  @Override
  public int console(String name, Duration limit) throws XlException, InterruptedException {
    if (domid(name).isEmpty()) {
      throw new DomainNotFoundException(name);
    }
    return interactive(Command.of(limit, "xl", "console", name));
  }

  /** {@code xl list}: a header, then {@code Name ID Mem VCPUs State Time(s)}, read from the right. */
  static List<DomainSummary> parseTable(String text) throws XlException {
    List<DomainSummary> out = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length < 6) {
        throw new XlException("'xl list' printed an unexpected line: '" + XlSyntax.show(line) + "'");
      }
      try {
        int id = Integer.parseInt(f[f.length - 5]);
        long mem = Long.parseLong(f[f.length - 4]);
        String name = String.join(" ", Arrays.copyOfRange(f, 0, f.length - 5));
        out.add(new DomainSummary(id, name, mem, Optional.empty()));
      } catch (NumberFormatException e) {
        throw new XlException("'xl list' printed an unexpected line: '" + XlSyntax.show(line) + "'");
      }
    }
    return out;
  }

  private DomainOutcome onDomain(Command command, String name) throws XlException, InterruptedException {
    ExecResult r = run(command);
    if (r.succeeded()) {
      return DomainOutcome.DONE;
    }
    if (domid(name).isEmpty()) {
      return DomainOutcome.NOT_FOUND;
    }
    throw new XlCommandException(r);
  }

  private ExecResult run(Command command) throws XlException, InterruptedException {
    return translated(() -> runner.run(command));
  }

  private int interactive(Command command) throws XlException, InterruptedException {
    return translated(() -> runner.runInteractive(command));
  }

  /** A call of the process seam. */
  private interface ProcessCall<T> {
    T call() throws ProcessException, InterruptedException;
  }

  /** The process seam's failures as xl's: a missing xl names its package, a timeout stays a timeout. */
  private static <T> T translated(ProcessCall<T> call) throws XlException, InterruptedException {
    try {
      return call.call();
    } catch (ExecutableNotFoundException e) {
      throw new XlMissingException(e);
    } catch (ProcessTimeoutException e) {
      throw new XlTimeoutException(e.getMessage(), e);
    } catch (ProcessException e) {
      throw new XlException(e.getMessage(), e);
    }
  }

  private static void requireAbsolute(Path config) {
    if (!config.isAbsolute()) {
      throw new IllegalArgumentException("xl create needs an absolute config path, got " + config);
    }
  }
}
