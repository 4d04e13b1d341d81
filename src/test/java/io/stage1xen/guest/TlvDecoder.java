package io.stage1xen.guest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An independent decoder of the field encoding, written from docs/PROTOCOL.md for tests only: it proves what the
 * encoder produced, byte for byte, without sharing code with it.
 */
public final class TlvDecoder {
  public static final Set<Integer> NESTED = Set.of(PlanEncoder.T_SHARE, PlanEncoder.T_NET, PlanEncoder.T_APP,
      PlanEncoder.T_PRE_START, PlanEncoder.T_POST_STOP, PlanEncoder.T_MOUNT, PlanEncoder.T_NET_ROUTE);

  public record Field(int tag, byte[] value, List<Field> children) {
    public String text() {
      return new String(value, StandardCharsets.UTF_8);
    }

    public long u32() {
      if (value.length != 4) {
        throw new AssertionError("field 0x" + Integer.toHexString(tag) + " is " + value.length + " bytes, not 4");
      }
      return ByteBuffer.wrap(value).getInt() & 0xFFFF_FFFFL;
    }

    public boolean bool() {
      if (value.length != 1 || value[0] > 1) {
        throw new AssertionError("field 0x" + Integer.toHexString(tag) + " is not a boolean");
      }
      return value[0] == 1;
    }

    public List<Field> all(int t) {
      return children.stream().filter(f -> f.tag == t).toList();
    }

    public Field one(int t) {
      List<Field> l = all(t);
      if (l.size() != 1) {
        throw new AssertionError("expected one field 0x" + Integer.toHexString(t) + ", found " + l.size());
      }
      return l.get(0);
    }

    public List<String> texts(int t) {
      return all(t).stream().map(Field::text).toList();
    }
  }

  private TlvDecoder() {}

  public static Field decode(byte[] bytes) {
    return new Field(-1, bytes, parse(bytes));
  }

  private static List<Field> parse(byte[] bytes) {
    List<Field> out = new ArrayList<>();
    ByteBuffer bb = ByteBuffer.wrap(bytes);
    while (bb.hasRemaining()) {
      if (bb.remaining() < 5) {
        throw new AssertionError("truncated field header at offset " + bb.position());
      }
      int tag = bb.get() & 0xFF;
      int len = bb.getInt();
      if (len < 0 || len > bb.remaining()) {
        throw new AssertionError("field 0x" + Integer.toHexString(tag) + " length " + len + " past the end");
      }
      byte[] v = new byte[len];
      bb.get(v);
      out.add(new Field(tag, v, NESTED.contains(tag) ? parse(v) : List.of()));
    }
    return out;
  }
}
