package io.stage1xen.guest;

import java.io.ByteArrayOutputStream;

/** Builds a sequence of {@code tag:u8 length:u32 value} fields, the encoding of PLAN and EXEC payloads. */
final class Fields {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Fields bytes(int tag, byte[] value) {
    out.write(tag);
    writeInt(value.length);
    out.writeBytes(value);
    return this;
  }

  /** Strings were validated by the records; this is the one place they become bytes (strict UTF-8). */
  Fields string(int tag, String value) {
    return bytes(tag, PlanChecks.utf8("field " + tag, value));
  }

  Fields u32(int tag, long value) {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("field " + tag + ": " + value + " does not fit in u32");
    }
    out.write(tag);
    writeInt(4);
    writeInt((int) value);
    return this;
  }

  Fields bool(int tag, boolean value) {
    return bytes(tag, new byte[] {(byte) (value ? 1 : 0)});
  }

  Fields nested(int tag, Fields inner) {
    return bytes(tag, inner.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void writeInt(int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}
