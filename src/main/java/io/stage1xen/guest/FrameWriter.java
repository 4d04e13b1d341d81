package io.stage1xen.guest;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes frames to a byte stream, whole and in the order they were given, from any number of threads (the NOP
 * ticker, stdin relays, signals, a stop request). One sender thread does the writing: a write that blocks because
 * the other end stopped reading (a paused or hostile guest) blocks that thread only and holds nothing the callers
 * need, so a caller that must not wait ({@link #write(Frame, Duration)}, e.g. SHUTDOWN) gives up after its bound
 * while its frame stays queued. Once a write failed the stream is done: every frame after it fails too.
 */
public final class FrameWriter {
  /** A sender with nothing to write for this long ends; the next frame starts another. */
  private static final long IDLE_MS = 10_000;

  private final OutputStream out;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final AtomicBoolean senderRunning = new AtomicBoolean();
  private volatile IOException failure;

  private record Pending(Frame frame, byte[] bytes, CompletableFuture<Void> written) {}

  public FrameWriter(OutputStream out) {
    this.out = out;
  }

  /** Writes the frame, waiting as long as the other end takes to accept it (back-pressure for data). */
  public void write(Frame frame) throws IOException {
    await(send(frame), null);
  }

  /**
   * Writes the frame, waiting at most {@code within}; after that it fails with an {@link InterruptedIOException}
   * naming the frame, which stays queued and goes out in order if the other end reads again.
   */
  public void write(Frame frame, Duration within) throws IOException {
    await(send(frame), within);
  }

  private Pending send(Frame frame) throws IOException {
    throwIfFailed();
    Pending p = new Pending(frame, encode(frame), new CompletableFuture<>());
    queue.add(p);
    if (senderRunning.compareAndSet(false, true)) {
      Thread t = new Thread(this::sendLoop, "frame-writer");
      t.setDaemon(true);
      t.start();
    }
    // the sender may have failed and emptied the queue just before p was added: then nobody else completes it
    IOException f = failure;
    if (f != null) {
      p.written.completeExceptionally(f);
    }
    return p;
  }

  private void await(Pending p, Duration within) throws IOException {
    try {
      if (within == null) {
        p.written.get();
      } else {
        p.written.get(within.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (TimeoutException e) {
      throw new InterruptedIOException("the other end has not read for " + within.toMillis() + " ms: frame type "
          + String.format("0x%02x", p.frame.type()) + " not sent yet");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing a frame");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? new IOException(io.getMessage(), io)
          : new IOException(String.valueOf(e.getCause()), e.getCause());
    }
  }

  private void sendLoop() {
    while (true) {
      Pending p;
      try {
        p = queue.poll(IDLE_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        p = null;
      }
      if (p == null) {
        senderRunning.set(false);
        // a frame queued while this sender was giving up: keep going unless another sender took over
        if (queue.isEmpty() || !senderRunning.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      if (failure != null) {
        p.written.completeExceptionally(failure); // queued as an earlier sender failed: never after a broken frame
        continue;
      }
      try {
        out.write(p.bytes);
        out.flush();
        p.written.complete(null);
      } catch (IOException | RuntimeException e) {
        IOException io = e instanceof IOException x ? x : new IOException(e.toString(), e);
        failure = io;
        p.written.completeExceptionally(io);
        for (Pending rest; (rest = queue.poll()) != null; ) {
          rest.written.completeExceptionally(io);
        }
        senderRunning.set(false);
        return;
      }
    }
  }

  private void throwIfFailed() throws IOException {
    IOException f = failure;
    if (f != null) {
      throw new IOException(f.getMessage(), f);
    }
  }

  private static byte[] encode(Frame frame) {
    byte[] payload = frame.payload();
    byte[] bytes = new byte[Frame.HEADER_BYTES + payload.length];
    bytes[0] = (byte) frame.type();
    putInt(bytes, 1, frame.session());
    putInt(bytes, 5, payload.length);
    System.arraycopy(payload, 0, bytes, Frame.HEADER_BYTES, payload.length);
    return bytes;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
