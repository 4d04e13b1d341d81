package io.stage1xen.guest;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes frames to a byte stream. Thread-safe: each frame is written whole, so frames from different threads
 * (the NOP ticker, stdin relays, signals) never interleave.
 */
public final class FrameWriter {
  private final OutputStream out;

  public FrameWriter(OutputStream out) {
    this.out = out;
  }

  public void write(Frame frame) throws IOException {
    byte[] payload = frame.payload();
    byte[] bytes = new byte[Frame.HEADER_BYTES + payload.length];
    bytes[0] = (byte) frame.type();
    putInt(bytes, 1, frame.session());
    putInt(bytes, 5, payload.length);
    System.arraycopy(payload, 0, bytes, Frame.HEADER_BYTES, payload.length);
    synchronized (this) {
      out.write(bytes);
      out.flush();
    }
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
