package io.stage1xen.lifecycle;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.LenientPodManifest;
import io.stage1xen.guest.ExecRequest;
import io.stage1xen.guest.Frame;
import io.stage1xen.guest.FrameReader;
import io.stage1xen.guest.FrameWriter;
import io.stage1xen.guest.PlanEncoder;
import io.stage1xen.guest.UnixSocketLink;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.EnterParameters;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.pod.PodLoader;
import io.stage1xen.xen.HostConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enter entrypoint: runs a command inside the pod VM, in one app's context, through the run supervisor's exec
 * socket; its stdin, stdout, stderr and exit code become this process's. Nothing here executes anything from the
 * app image: the command only ever runs in the guest. With a terminal on stdin the command gets a pty of the same
 * size and the local terminal goes raw; without one, output stays byte-exact with stdout and stderr apart, and the
 * signals this process receives are passed on to the command.
 */
final class EnterClient {
  private static final Logger LOG = LoggerFactory.getLogger(EnterClient.class);
  private static final Map<String, Integer> FORWARDED = Map.of("INT", 2, "TERM", 15, "HUP", 1, "QUIT", 3);

  /** How often a starting pod is looked at again: as often as rkt polls for its pid file. */
  static final Duration POLL = Duration.ofMillis(100);
  /** Beyond the supervisor's deadline: time for it to give up (and exit) or open its socket on a loaded host. */
  static final Duration READY_MARGIN = Duration.ofSeconds(15);

  private final Stage1Environment env;

  EnterClient(Stage1Environment env) {
    this.env = env;
  }

  Outcome enter(EnterParameters params) throws Exception {
    PodLayout layout = PodLayout.of(env.workingDirectory());
    String app = appName(layout, params.appName());
    UnixSocketLink link = connectWhenReady(layout);
    Optional<Terminal> tty = Terminal.ofStdin(env);
    try (link; Terminal terminal = tty.orElse(null)) {
      FrameWriter writer = new FrameWriter(link.out());
      int[] size = terminal == null ? new int[] {0, 0} : terminal.size();
      List<String> environment = new ArrayList<>();
      Optional.ofNullable(env.variables().get("TERM")).filter(t -> terminal != null)
          .ifPresent(t -> environment.add("TERM=" + t));
      ExecRequest request = new ExecRequest(app, params.command(), environment, terminal != null, size[0], size[1]);
      writer.write(new Frame(Frame.EXEC, 0, PlanEncoder.encode(request)));
      if (terminal != null) {
        terminal.enterRawMode();
        env.signals().handle(List.of("WINCH"), () -> sendSize(writer, terminal));
      } else {
        FORWARDED.forEach((name, signo) -> env.signals().handle(List.of(name),
            () -> send(writer, new Frame(Frame.SIGNAL, 0, new byte[] {(byte) (int) signo}))));
      }
      Interactive.pump(env, data -> writer.write(new Frame(Frame.STDIN, 0, data)), "enter-stdin");
      return relayUntilExit(new FrameReader(link.in()));
    }
  }

  /**
   * The supervisor's exec socket, once the pod is ready. rkt itself waits for the pod's pid file, which appears
   * only then; other callers may come while the VM still boots, so this waits too, as long as the supervisor is
   * alive and within its readiness deadline (plus a margin for it to give up and say why).
   */
  private UnixSocketLink connectWhenReady(PodLayout layout) throws IOException, InterruptedException {
    String pod = layout.root().getFileName().toString();
    Instant start = env.clock().instant();
    boolean told = false;
    while (true) {
      IOException refused;
      try {
        return env.sockets().connect(layout.execSocket());
      } catch (IOException e) {
        refused = e;
      }
      Optional<SupervisorRecord> supervisor = SupervisorRecord.live(env, layout);
      if (supervisor.isEmpty()) {
        throw new Stage1Failure("pod " + pod + " is not running: its run has exited (or never started)");
      }
      if (Files.isSymbolicLink(layout.supervisorStatus())) {
        throw new Stage1Failure("pod " + pod + " is stopping: its apps have ended or it was asked to stop ("
            + layout.execSocket() + ": " + refused.getMessage() + ")");
      }
      Instant now = env.clock().instant();
      Instant deadline = supervisor.get().readyBy()
          .orElse(start.plus(PodStart.startBound(HostConfig.DEFAULT_XL_TIMEOUT,
              HostConfig.DEFAULT_READINESS_TIMEOUT)))
          .plus(READY_MARGIN);
      if (!now.isBefore(deadline)) {
        throw new Stage1Failure("pod " + pod + " did not become ready: waited "
            + Duration.between(start, now).toSeconds() + " s while its run (pid " + supervisor.get().pid()
            + ") was starting it; on a slow host raise readiness-timeout-seconds in stage1-xen/host.conf of rkt's"
            + " --local-config directory");
      }
      if (!told) {
        told = true;
        LOG.debug("pod {} is starting (run pid {}); waiting for it to be ready, until {} at the latest", pod,
            supervisor.get().pid(), deadline);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private Outcome relayUntilExit(FrameReader reader) throws IOException {
    Frame f;
    while ((f = reader.read()) != null) {
      switch (f.type()) {
        case Frame.STDOUT -> write(env.stdout(), f.payload());
        case Frame.STDERR -> write(env.stderr(), f.payload());
        case Frame.EXITED -> {
          return Outcome.exited(f.exitCode());
        }
        default -> LOG.debug("ignoring frame {}", f);
      }
    }
    throw new Stage1Failure("the pod stopped before the command finished");
  }

  /** --appname, or the pod's only app (rkt fills it in, but other callers may not). */
  private static String appName(PodLayout layout, Optional<AcName> given) {
    if (given.isPresent()) {
      return given.get().value();
    }
    LenientPodManifest manifest = PodLoader.loadLenient(layout);
    if (manifest.appNames().size() == 1) {
      return manifest.appNames().get(0).value();
    }
    throw new Stage1Failure("the pod has " + manifest.appNames().size() + " apps " + manifest.appNames()
        + ": name one with --appname");
  }

  private static void write(OutputStream out, byte[] data) throws IOException {
    out.write(data);
    out.flush();
  }

  private static void sendSize(FrameWriter writer, Terminal terminal) {
    try {
      int[] s = terminal.size();
      send(writer, new Frame(Frame.WINSIZE, 0, ByteBuffer.allocate(4).putShort((short) s[0]).putShort((short) s[1])
          .array()));
    } catch (Exception e) {
      LOG.debug("terminal size not sent: {}", e.getMessage());
    }
  }

  private static void send(FrameWriter writer, Frame frame) {
    try {
      writer.write(frame);
    } catch (IOException e) {
      LOG.debug("could not send {}: {}", frame, e.getMessage());
    }
  }
}
