package io.stage1xen.guest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reads frames from a byte stream. Not thread-safe: one reader thread owns it. */
public final class FrameReader {
  private final InputStream in;
  private final int maxPayload;

  public FrameReader(InputStream in) {
    this(in, Frame.MAX_PAYLOAD);
  }

  FrameReader(InputStream in, int maxPayload) {
    this.in = in;
    this.maxPayload = maxPayload;
  }

  /**
   * Returns the next frame, or null when the stream ended cleanly between frames.
   *
   * @throws ProtocolException when a length exceeds the maximum (the stream cannot be resynchronised)
   * @throws EOFException when the stream ends inside a frame
   */
  public Frame read() throws IOException {
    byte[] header = new byte[Frame.HEADER_BYTES];
    int got = readFully(header);
    if (got == 0) {
      return null;
    }
    if (got < header.length) {
      throw new EOFException("control channel ended inside a frame header (" + got + " of 9 bytes)");
    }
    int type = header[0] & 0xFF;
    int session = ((header[1] & 0xFF) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8)
        | (header[4] & 0xFF);
    long length = ((header[5] & 0xFFL) << 24) | ((header[6] & 0xFFL) << 16) | ((header[7] & 0xFFL) << 8)
        | (header[8] & 0xFFL);
    if (length > maxPayload) {
      throw new ProtocolException(String.format(
          "control channel: frame type 0x%02x announces %d bytes, more than the maximum %d", type, length, maxPayload));
    }
    byte[] payload = new byte[(int) length];
    int n = readFully(payload);
    if (n < payload.length) {
      throw new EOFException(String.format(
          "control channel ended inside a frame of type 0x%02x (%d of %d payload bytes)", type, n, length));
    }
    return new Frame(type, session, payload);
  }

  /**
   * Skips everything up to the first HELLO frame and returns it, or null at the end of the stream. The guest's
   * tty echoes what the host sent before the guest set raw mode, so the stream may start with bytes that are not
   * frames; none of them can look like a HELLO header (type 0x81, session 0, a short length).
   */
  public Frame readHello() throws IOException {
    byte[] window = new byte[Frame.HEADER_BYTES];
    int have = readFully(window);
    if (have < window.length) {
      return null;
    }
    long skipped = 0;
    while (!isHelloHeader(window)) {
      System.arraycopy(window, 1, window, 0, window.length - 1);
      int b = in.read();
      if (b < 0) {
        return null;
      }
      window[window.length - 1] = (byte) b;
      skipped++;
    }
    int length = ((window[5] & 0xFF) << 24) | ((window[6] & 0xFF) << 16) | ((window[7] & 0xFF) << 8)
        | (window[8] & 0xFF);
    byte[] payload = new byte[length];
    if (readFully(payload) < length) {
      throw new EOFException("control channel ended inside the HELLO frame");
    }
    this.skippedBeforeHello = skipped;
    return new Frame(Frame.HELLO, 0, payload);
  }

  /** How many bytes {@link #readHello()} skipped (for --debug). */
  public long skippedBeforeHello() {
    return skippedBeforeHello;
  }

  private long skippedBeforeHello;

  private static boolean isHelloHeader(byte[] h) {
    int length = ((h[5] & 0xFF) << 24) | ((h[6] & 0xFF) << 16) | ((h[7] & 0xFF) << 8) | (h[8] & 0xFF);
    return (h[0] & 0xFF) == Frame.HELLO && h[1] == 0 && h[2] == 0 && h[3] == 0 && h[4] == 0
        && length >= 4 && length <= 4096;
  }

  private int readFully(byte[] buf) throws IOException {
    int off = 0;
    while (off < buf.length) {
      int n = in.read(buf, off, buf.length - off);
      if (n < 0) {
        break;
      }
      off += n;
    }
    return off;
  }
}
