package io.stage1xen.lifecycle;

import io.stage1xen.guest.UnixSocketLink;
import io.stage1xen.process.ProcessRunner;
import io.stage1xen.process.Signals;
import io.stage1xen.process.SystemProcessRunner;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * Every side effect the entrypoints have, behind one seam: processes, environment variables, signals, the host's
 * root (its /proc, /etc and Xen's logs), the working directory rkt gives, the standard streams, the clock and sockets. Tests build one over
 * a temporary tree with a fake xl.
 */
public record Stage1Environment(
    ProcessRunner processes,
    Map<String, String> variables,
    Signals signals,
    Path workingDirectory,
    Path hostRoot,
    InputStream stdin,
    OutputStream stdout,
    OutputStream stderr,
    Clock clock,
    long pid,
    SocketConnector sockets) {

  /** Opens a stream connection to a UNIX socket (the control channel QEMU serves, or the supervisor's). */
  public interface SocketConnector {
    UnixSocketLink connect(Path socket) throws IOException;
  }

  public Stage1Environment {
    Objects.requireNonNull(processes, "processes");
    variables = Map.copyOf(variables);
    Objects.requireNonNull(signals, "signals");
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(hostRoot, "hostRoot");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sockets, "sockets");
  }

  /** The host's /proc (pids of live processes, their cwd and fds). */
  public Path proc() {
    return hostRoot.resolve("proc");
  }

  /** This process's mount table: what the volumes' mounts are read back from. */
  public Path mountinfo() {
    return proc().resolve(Long.toString(pid)).resolve("mountinfo");
  }

  /** The host's /etc (hosts and resolv.conf for --dns=host and --hosts-entry=host). */
  public Path etc() {
    return hostRoot.resolve("etc");
  }

  /** Where Xen's tools log (xl's monitor daemons, xenconsoled's guest consoles). */
  public Path xenLogs() {
    return hostRoot.resolve("var/log/xen");
  }

  /** The real machine: rkt's cwd, this process's environment and unbuffered standard streams. */
  public static Stage1Environment system() {
    Map<String, String> env = System.getenv();
    return new Stage1Environment(
        new SystemProcessRunner(env),
        env,
        Signals.system(),
        Path.of("").toAbsolutePath(),
        Path.of("/"),
        new FileInputStream(FileDescriptor.in),
        new FileOutputStream(FileDescriptor.out),
        new FileOutputStream(FileDescriptor.err),
        Clock.systemUTC(),
        ProcessHandle.current().pid(),
        UnixSocketLink::connect);
  }
}
