package io.stage1xen.process;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts real processes. Every child gets only fds 0-2 (the JDK closes the rest in the child, which is what keeps
 * rkt's lock fd out of xl's monitor daemon), a resolved absolute program path, and a timeout.
 */
public final class SystemProcessRunner implements ProcessRunner {
  private static final Logger LOG = LoggerFactory.getLogger(SystemProcessRunner.class);
  private static final int MAX_CAPTURE = 1 << 20;
  private static final File DEV_NULL = new File("/dev/null");

  private final Map<String, String> baseEnvironment;

  public SystemProcessRunner(Map<String, String> baseEnvironment) {
    this.baseEnvironment = Map.copyOf(baseEnvironment);
    LOG.debug("children start with {}", ChildLaunch.chosen());
  }

  @Override
  public ExecResult run(Command command) throws ProcessException, InterruptedException {
    ProcessBuilder pb = builder(command);
    if (command.outputFile() != null) {
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.to(command.outputFile().toFile()));
    }
    pb.redirectInput(command.stdin() == null ? ProcessBuilder.Redirect.from(DEV_NULL) : ProcessBuilder.Redirect.PIPE);
    LOG.debug("exec: {}", command.display());
    Process process = start(pb, command);
    Drain out = command.outputFile() == null ? new Drain(process.getInputStream(), "stdout") : null;
    Drain err = command.outputFile() == null ? new Drain(process.getErrorStream(), "stderr") : null;
    Thread feeder = command.stdin() == null ? null : feed(process.getOutputStream(), command.stdin());
    boolean finished = process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      kill(process);
      String tail = err == null ? readTail(command.outputFile()) : err.text();
      throw new ProcessTimeoutException(command, lastLine(tail));
    }
    if (feeder != null) {
      feeder.join(1000);
    }
    String stdout = out == null ? readTail(command.outputFile()) : out.text();
    String stderr = err == null ? "" : err.text();
    ExecResult result = new ExecResult(command, process.exitValue(), stdout, stderr);
    LOG.debug("exit {}: {}", result.exitCode(), command.display());
    return result;
  }

  @Override
  public int runInteractive(Command command) throws ProcessException, InterruptedException {
    ProcessBuilder pb = builder(command).inheritIO();
    LOG.debug("exec (interactive): {}", command.display());
    Process process = start(pb, command);
    if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
      kill(process);
      throw new ProcessTimeoutException(command, "");
    }
    return process.exitValue();
  }

  @Override
  public boolean terminate(long pid, Duration grace) throws InterruptedException {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return true;
    }
    LOG.debug("kill -TERM {}", pid);
    handle.get().destroy();
    if (exited(handle.get(), grace)) {
      return true;
    }
    LOG.debug("kill -KILL {}: still alive {} ms after SIGTERM", pid, grace.toMillis());
    handle.get().destroyForcibly();
    return exited(handle.get(), Duration.ofSeconds(2));
  }

  private static boolean exited(ProcessHandle handle, Duration limit) throws InterruptedException {
    try {
      handle.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return !handle.isAlive();
    }
  }

  private ProcessBuilder builder(Command command) throws ExecutableNotFoundException {
    Path program = Executables.require(command.program(), baseEnvironment.get("PATH"));
    List<String> argv = new ArrayList<>(command.argv());
    argv.set(0, program.toString());
    ProcessBuilder pb = new ProcessBuilder(argv);
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(baseEnvironment);
    env.putAll(command.environment());
    return pb;
  }

  private static Process start(ProcessBuilder pb, Command command) throws ProcessException {
    try {
      return pb.start();
    } catch (IOException e) {
      throw new ProcessException("cannot start '" + command.display() + "': " + e.getMessage(), e);
    }
  }

  private static void kill(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(2, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static Thread feed(OutputStream stdin, byte[] data) {
    Thread t = new Thread(() -> {
      try (OutputStream os = stdin) {
        os.write(data);
      } catch (IOException e) {
        // the child closed its stdin early; what it read is what it wanted
      }
    }, "stdin-feeder");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String readTail(Path file) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long len = raf.length();
      long from = Math.max(0, len - MAX_CAPTURE);
      byte[] buf = new byte[(int) (len - from)];
      raf.seek(from);
      raf.readFully(buf);
      return new String(buf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines.length == 0 ? "" : lines[lines.length - 1];
  }

  /** Reads one stream to its end on its own thread, so a child never blocks on a full pipe. */
  private static final class Drain {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Thread thread;

    Drain(InputStream in, String name) {
      thread = new Thread(() -> {
        byte[] chunk = new byte[8192];
        try (in) {
          int n;
          while ((n = in.read(chunk)) > 0) {
            synchronized (buffer) {
              if (buffer.size() < MAX_CAPTURE) {
                buffer.write(chunk, 0, Math.min(n, MAX_CAPTURE - buffer.size()));
              }
            }
          }
        } catch (IOException e) {
          // the stream closed under us when the process was killed
        }
      }, "drain-" + name);
      thread.setDaemon(true);
      thread.start();
    }

    String text() throws InterruptedException {
      // A grandchild may still hold the pipe open; do not wait for it forever.
      thread.join(2000);
      synchronized (buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
