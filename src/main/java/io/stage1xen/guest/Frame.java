package io.stage1xen.guest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One message of the host-guest control protocol (docs/PROTOCOL.md): {@code type:u8 session:u32 length:u32
 * payload}. The session is an unsigned 32-bit number held in an int.
 */
public record Frame(int type, int session, byte[] payload) {
  // These numbers are defined in stage1/guest/protocol.h, which the guest init compiles; ProtocolTableTest holds these
  // copies to it, name for name (Java's switch needs them as compile-time constants here).

  /** Largest payload either side accepts. */
  public static final int MAX_PAYLOAD = 1 << 20;
  /** Largest stdin/stdout/stderr chunk per frame. */
  public static final int MAX_DATA = 32 * 1024;
  public static final int HEADER_BYTES = 9;

  // host -> guest
  public static final int NOP = 0x01;
  public static final int PLAN = 0x02;
  public static final int SHUTDOWN = 0x03;
  public static final int POWEROFF_ACK = 0x04;
  public static final int EXEC = 0x10;
  public static final int STDIN = 0x11;
  public static final int SIGNAL = 0x12;
  public static final int WINSIZE = 0x13;
  public static final int APP_START = 0x14;
  public static final int APP_STOP = 0x15;
  public static final int APP_RM = 0x16;
  // guest -> host
  public static final int HELLO = 0x81;
  public static final int STARTED = 0x82;
  public static final int READY = 0x83;
  public static final int EXITED = 0x84;
  public static final int LOG = 0x85;
  public static final int POWEROFF = 0x86;
  public static final int REMOVED = 0x87;
  public static final int STDOUT = 0xA0;
  public static final int STDERR = 0xA1;

  public Frame {
    if (type < 0 || type > 0xFF) {
      throw new IllegalArgumentException("frame type " + type + " is not a byte");
    }
    if (payload == null) {
      payload = new byte[0];
    }
    if (payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException(
          "frame payload of " + payload.length + " bytes exceeds the maximum of " + MAX_PAYLOAD);
    }
    payload = payload.clone();
  }

  public static Frame of(int type, int session) {
    return new Frame(type, session, new byte[0]);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  public int length() {
    return payload.length;
  }

  /** Session ids are unsigned on the wire. */
  public long sessionUnsigned() {
    return Integer.toUnsignedLong(session);
  }

  /**
   * The payload from byte {@code from} on as text for a person (LOG, HELLO): decoded as UTF-8, malformed bytes
   * replaced, and made {@link PlanChecks#printable printable}. Guest text is untrusted: never print it otherwise.
   */
  public String text(int from) {
    int start = Math.min(from, payload.length);
    return PlanChecks.printable(new String(payload, start, payload.length - start, StandardCharsets.UTF_8));
  }

  /**
   * EXITED's exit status, 0 to 255 ({@code 128 + n} when a signal n ended the process). Anything else is a protocol
   * violation, never a status: no process exits with it, and an exit code is taken modulo 256 further on, where
   * 256 would read as success.
   *
   * @throws ProtocolException for a payload that is not 4 bytes or a code outside 0..255
   */
  public int exitCode() throws ProtocolException {
    if (payload.length != 4 || u32() > 255) {
      throw new ProtocolException("the guest sent EXITED for session " + sessionUnsigned() + " with "
          + (payload.length != 4 ? "a payload of " + payload.length + " bytes" : "status " + (int) u32())
          + "; an exit status is 4 bytes holding 0 to 255");
    }
    return (int) u32();
  }

  /** The payload as a big-endian u32 (EXITED, STARTED); -1 when it is not 4 bytes. */
  public long u32() {
    if (payload.length != 4) {
      return -1;
    }
    return ((payload[0] & 0xFFL) << 24) | ((payload[1] & 0xFFL) << 16) | ((payload[2] & 0xFFL) << 8)
        | (payload[3] & 0xFFL);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f && f.type == type && f.session == session && Arrays.equals(f.payload, payload);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type + session) + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    String head = payload.length > 32 ? HexFormat.of().formatHex(payload, 0, 32) + "…"
        : HexFormat.of().formatHex(payload);
    return String.format("Frame[type=0x%02x, session=%d, length=%d, payload=%s]", type, sessionUnsigned(),
        payload.length, head);
  }
}
