package io.stage1xen.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host end of the control channel for one pod: wakes the guest with NOP until HELLO, sends the plan, then
 * turns incoming frames into {@link Listener} calls (on one reader thread) and offers the host's requests.
 * Send methods are thread-safe.
 */
public final class ControlChannel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlChannel.class);
  /** Console rings move only when the other side writes, so the host pokes until the guest answers. */
  public static final Duration NOP_INTERVAL = Duration.ofMillis(250);
  /** The first enter session's id (stage1/guest/protocol.h, CHANNEL_FIRST_EXEC_SESSION). */
  public static final int FIRST_EXEC_SESSION = 0x10000;
  /** The first session of an app added to a running mutable pod (protocol.h, CHANNEL_FIRST_ADDED_SESSION). */
  public static final int FIRST_ADDED_SESSION = 0x8000;
  /**
   * How long a stop request may wait to be written. A guest that has not taken 13 bytes in that time has stopped
   * reading its channel (paused, hung, hostile): the caller gives up and destroys the domain instead of waiting.
   */
  public static final Duration SHUTDOWN_SEND_TIMEOUT = Duration.ofSeconds(5);

  private final InputStream in;
  private final FrameWriter writer;
  private final Listener events;
  private final Duration nopInterval;
  private final AtomicInteger nextSession = new AtomicInteger(FIRST_EXEC_SESSION);
  private final CountDownLatch hello = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicBoolean started = new AtomicBoolean();
  /** Frames read from the guest so far: proof that it still reads and answers (see {@link #sendShutdown}). */
  private final AtomicLong received = new AtomicLong();
  private volatile boolean closing;
  private byte[] plan;

  public ControlChannel(InputStream in, OutputStream out, Listener events) {
    this(in, out, events, NOP_INTERVAL);
  }

  ControlChannel(InputStream in, OutputStream out, Listener events, Duration nopInterval) {
    this.in = Objects.requireNonNull(in, "in");
    this.writer = new FrameWriter(Objects.requireNonNull(out, "out"));
    this.events = Objects.requireNonNull(events, "events");
    this.nopInterval = nopInterval;
  }

  /** Starts the reader and the NOP ticker; the plan goes out as soon as the guest says HELLO. */
  public void start(PodPlan podPlan) {
    byte[] encoded = PlanEncoder.encode(podPlan);
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("control channel already started");
    }
    this.plan = encoded;
    Thread reader = new Thread(this::readLoop, "guest-ctl-reader");
    reader.setDaemon(true);
    reader.start();
    Thread ticker = new Thread(this::nopLoop, "guest-ctl-nop");
    ticker.setDaemon(true);
    ticker.start();
  }

  /** Waits for HELLO; false on timeout or when the link closed first. */
  public boolean awaitHello(Duration timeout) throws InterruptedException {
    return hello.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && closed.getCount() == 1;
  }

  /** Waits until the reader finished (the guest powered off or the link broke). */
  public boolean awaitClosed(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Bytes for a session's stdin, in frames of at most 32 KiB; an empty array means end of input. */
  public void sendStdin(int session, byte[] data) throws IOException {
    if (data.length == 0) {
      writer.write(Frame.of(Frame.STDIN, session));
      return;
    }
    for (int off = 0; off < data.length; off += Frame.MAX_DATA) {
      int end = Math.min(data.length, off + Frame.MAX_DATA);
      writer.write(new Frame(Frame.STDIN, session, Arrays.copyOfRange(data, off, end)));
    }
  }

  public void sendSignal(int session, int signal) throws IOException {
    if (signal < 1 || signal > 64) {
      throw new IllegalArgumentException("signal " + signal + " is outside 1..64");
    }
    writer.write(new Frame(Frame.SIGNAL, session, new byte[] {(byte) signal}));
  }

  public void sendWinsize(int session, int rows, int cols) throws IOException {
    if (rows < 0 || rows > 0xFFFF || cols < 0 || cols > 0xFFFF) {
      throw new IllegalArgumentException("terminal size " + rows + "x" + cols + " is outside 0..65535");
    }
    writer.write(new Frame(Frame.WINSIZE, session,
        new byte[] {(byte) (rows >>> 8), (byte) rows, (byte) (cols >>> 8), (byte) cols}));
  }

  /**
   * Asks the guest to stop the pod in order: SIGTERM, at most {@code grace}, SIGKILL, statuses, power off. Waits at
   * most {@link #SHUTDOWN_SEND_TIMEOUT} for the frame to be written, whatever else is being sent (a stdin relay
   * blocked on a guest that stopped reading holds nothing this needs). A guest that reads answers at once: its
   * init logs the request ({@code LOG}, see PROTOCOL.md), so {@link #framesReceived()} moves.
   */
  public void sendShutdown(Duration grace) throws IOException {
    writer.write(new Frame(Frame.SHUTDOWN, 0, graceMillis(grace)), SHUTDOWN_SEND_TIMEOUT);
  }

  /** The payload of SHUTDOWN and APP_STOP: {@code grace_ms:u32}. */
  private static byte[] graceMillis(Duration grace) {
    long ms = grace.toMillis();
    if (ms < 0 || ms > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("grace period " + grace + " is outside 0..2^32-1 ms");
    }
    return new byte[] {(byte) (ms >>> 24), (byte) (ms >>> 16), (byte) (ms >>> 8), (byte) ms};
  }

  /**
   * Starts an app added to a running mutable pod (docs/MUTABLE.md) under {@code session}, from
   * {@link #FIRST_ADDED_SESSION} up: the guest prepares its root view and starts it, and answers {@code STARTED},
   * or {@code EXITED} 125 with a {@code LOG} saying why.
   */
  public void startApp(int session, AppPlan app) throws IOException {
    if (session < FIRST_ADDED_SESSION || session >= FIRST_EXEC_SESSION) {
      throw new IllegalArgumentException("session " + session + " is not an added app's");
    }
    writer.write(new Frame(Frame.APP_START, session, PlanEncoder.encode(app)));
  }

  /** Stops an added app: SIGTERM, at most {@code grace}, SIGKILL; the guest answers with the app's EXITED. */
  public void stopApp(int session, Duration grace) throws IOException {
    writer.write(new Frame(Frame.APP_STOP, session, graceMillis(grace)));
  }

  /** Frees an added app that ended (its root view in the guest); the guest answers REMOVED. */
  public void removeApp(int session) throws IOException {
    writer.write(Frame.of(Frame.APP_RM, session));
  }

  /** How many frames the guest has sent so far; a caller compares two readings to see whether it still answers. */
  public long framesReceived() {
    return received.get();
  }

  /** Whether the guest's HELLO arrived: from then on its init reads the channel. */
  public boolean helloReceived() {
    return hello.getCount() == 0 && received.get() > 0;
  }

  /** Starts an enter command; returns its session id (its output and EXITED arrive under it). */
  public int startExec(ExecRequest request) throws IOException {
    int session = newExecSession();
    startExec(session, PlanEncoder.encode(request));
    return session;
  }

  /** A fresh session id for an enter command; register where its output goes before starting it. */
  public int newExecSession() {
    return nextSession.getAndIncrement();
  }

  /**
   * Starts an enter command under a session from {@link #newExecSession()}, from an EXEC payload that
   * {@link PlanEncoder} produced elsewhere (the enter entrypoint; the supervisor relays it unchanged).
   */
  public void startExec(int session, byte[] encodedRequest) throws IOException {
    writer.write(new Frame(Frame.EXEC, session, encodedRequest));
  }

  @Override
  public void close() throws IOException {
    closing = true;
    in.close();
  }

  private void nopLoop() {
    try {
      while (hello.getCount() > 0 && closed.getCount() > 0) {
        writer.write(Frame.of(Frame.NOP, 0));
        hello.await(nopInterval.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (IOException e) {
      LOG.debug("NOP not sent: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readLoop() {
    FrameReader reader = new FrameReader(in);
    IOException cause = null;
    try {
      Frame f = reader.readHello();
      if (f != null && reader.skippedBeforeHello() > 0) {
        LOG.debug("skipped {} bytes before the guest's HELLO (tty echo before raw mode)", reader.skippedBeforeHello());
      }
      while (f != null) {
        received.incrementAndGet();
        dispatch(f);
        f = reader.read();
      }
    } catch (IOException e) {
      cause = closing ? null : e;
    } catch (RuntimeException e) {
      cause = new IOException("control channel listener failed: " + e, e);
    } finally {
      closed.countDown();
      hello.countDown(); // releases the NOP ticker and awaitHello
      events.onClosed(cause);
    }
  }

  private void dispatch(Frame f) throws IOException {
    byte[] p = f.payload();
    int s = f.session();
    switch (f.type()) {
      case Frame.HELLO -> {
        if (hello.getCount() == 0) {
          return; // the guest answers every early NOP; only the first HELLO counts
        }
        int version = p.length >= 4 ? (int) new Frame(0, 0, Arrays.copyOf(p, 4)).u32() : -1;
        String info = f.text(4);
        if (version != PlanEncoder.VERSION) {
          throw new ProtocolException("guest speaks protocol version " + version + ", this stage1-xen "
              + PlanEncoder.VERSION);
        }
        writer.write(new Frame(Frame.PLAN, 0, plan));
        hello.countDown();
        events.onHello(version, info);
      }
      case Frame.STARTED -> events.onStarted(s, f.u32());
      case Frame.READY -> events.onReady();
      case Frame.EXITED -> events.onExited(s, f.exitCode());
      case Frame.STDOUT -> events.onOutput(s, Listener.Stream.STDOUT, p);
      case Frame.STDERR -> events.onOutput(s, Listener.Stream.STDERR, p);
      case Frame.REMOVED -> events.onRemoved(s);
      case Frame.LOG -> events.onLog(s, Listener.LogLevel.of(p.length > 0 ? p[0] & 0xFF : 4), f.text(1));
      case Frame.POWEROFF -> {
        // confirms that everything before it (the exit statuses) arrived; the guest waits for this briefly
        writer.write(Frame.of(Frame.POWEROFF_ACK, 0));
        events.onPoweroff(Listener.PoweroffReason.of(p.length > 0 ? p[0] & 0xFF : -1));
      }
      default -> LOG.debug("ignoring unknown frame {}", f);
    }
  }

  /**
   * What the guest reports, delivered by {@link ControlChannel} on its reader thread, in the order the guest sent
   * it (all output of a session comes before that session's {@code onExited}). Sessions: 0 the pod, {@code 1 + i}
   * app i, {@code >= 0x10000} exec sessions.
   */
  public interface Listener {
    enum Stream { STDOUT, STDERR }

    /** A LOG frame's level; {@link #wire()} is stage1/guest/protocol.h's {@code LOG_<name>}. */
    enum LogLevel {
      ERROR(1), WARNING(2), INFO(3), DEBUG(4);

      private final int wire;

      LogLevel(int wire) {
        this.wire = wire;
      }

      /** The level's byte on the wire. */
      public int wire() {
        return wire;
      }

      /** A level the guest should not send is shown as debug: its text is still escaped like any other. */
      static LogLevel of(int wire) {
        for (LogLevel l : values()) {
          if (l.wire == wire) {
            return l;
          }
        }
        return DEBUG;
      }
    }

    /** A POWEROFF frame's reason; {@link #wire()} is stage1/guest/protocol.h's {@code OFF_<name>}. */
    enum PoweroffReason {
      /** every app exited 0 */
      ALL_DONE(0),
      /** an app exited non-zero (or could not start) and the pod rule stopped the others */
      APP_FAILED(1),
      /** SHUTDOWN, or a power-off request from Xen */
      REQUESTED(2),
      /** the guest init hit a fatal error (its LOG says which) */
      GUEST_ERROR(3),
      /** a byte no guest of this release sends, or none */
      UNKNOWN(-1);

      private final int wire;

      PoweroffReason(int wire) {
        this.wire = wire;
      }

      /** The reason's byte on the wire; -1 for {@link #UNKNOWN}, which has none. */
      public int wire() {
        return wire;
      }

      static PoweroffReason of(int wire) {
        for (PoweroffReason r : values()) {
          if (r.wire == wire && wire >= 0) {
            return r;
          }
        }
        return UNKNOWN;
      }
    }

    /**
     * The guest is up; the plan has just been sent. {@code info} is {@code key=value} words (docs/PROTOCOL.md),
     * {@link Frame#text printable}.
     */
    default void onHello(int version, String info) {}

    default void onStarted(int session, long pid) {}

    /** Every app was started (after its pre-start handlers). */
    default void onReady() {}

    /**
     * The exit status of an app or exec session: 0-255, 128+N when killed by signal N. A status outside that range
     * never arrives here: it closes the link with a {@link ProtocolException} ({@link Frame#exitCode}).
     */
    default void onExited(int session, int code) {}

    default void onOutput(int session, Stream stream, byte[] data) {}

    /** One of the guest init's messages, {@link Frame#text printable}: it may be shown as it is. */
    default void onLog(int session, LogLevel level, String text) {}

    /** An added app's slot in the guest is free (the answer to {@link ControlChannel#removeApp}). */
    default void onRemoved(int session) {}

    /** Sent after every EXITED, right before the guest powers off. */
    default void onPoweroff(PoweroffReason reason) {}

    /** The link ended: {@code cause} null for a clean end of stream. Always the last call. */
    default void onClosed(IOException cause) {}
  }
}
