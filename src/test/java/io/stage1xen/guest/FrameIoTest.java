package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameIoTest {

  private static byte[] write(Frame... frames) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(bos);
    for (Frame f : frames) {
      w.write(f);
    }
    return bos.toByteArray();
  }

  @Test
  void headerIsBigEndianTypeSessionLength() throws IOException {
    byte[] bytes = write(new Frame(Frame.EXITED, 0x10002, new byte[] {0, 0, 0, 7}));
    assertArrayEquals(new byte[] {(byte) 0x84, 0, 1, 0, 2, 0, 0, 0, 4, 0, 0, 0, 7}, bytes);
  }

  @Test
  void binaryPayloadRoundTripsWithEveryByteValue() throws IOException {
    byte[] all = new byte[256 * 3];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    Frame f = new Frame(Frame.STDOUT, -1, all); // session 0xFFFFFFFF
    FrameReader r = new FrameReader(new ByteArrayInputStream(write(f, Frame.of(Frame.NOP, 0))));
    Frame back = r.read();
    assertEquals(f, back);
    assertEquals(0xFFFF_FFFFL, back.sessionUnsigned());
    assertEquals(Frame.of(Frame.NOP, 0), r.read());
    assertNull(r.read(), "clean end of stream between frames");
  }

  @Test
  void maximumPayloadIsAccepted() throws IOException {
    byte[] big = new byte[Frame.MAX_PAYLOAD];
    new Random(1).nextBytes(big);
    Frame back = new FrameReader(new ByteArrayInputStream(write(new Frame(Frame.PLAN, 0, big)))).read();
    assertArrayEquals(big, back.payload());
  }

  @Test
  void oversizedPayloadIsRefusedOnBothSides() {
    assertThrows(IllegalArgumentException.class, () -> new Frame(Frame.STDIN, 1, new byte[Frame.MAX_PAYLOAD + 1]));
    byte[] header = {(byte) 0xA0, 0, 0, 0, 1, 0, 0x10, 0, 1}; // 0x100001 bytes announced
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> new FrameReader(new ByteArrayInputStream(header)).read());
    assertTrue(e.getMessage().contains("1048577"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 8, 9, 10, 12})
  void truncatedInputIsAnError(int keep) throws IOException {
    byte[] bytes = Arrays.copyOf(write(new Frame(Frame.STDERR, 3, new byte[] {1, 2, 3, 4})), keep);
    assertThrows(EOFException.class, () -> new FrameReader(new ByteArrayInputStream(bytes)).read());
  }

  @Test
  void helloIsFoundBehindTtyEchoOfEarlyNops() throws IOException {
    byte[] hello = write(new Frame(Frame.HELLO, 0, new byte[] {0, 0, 0, 1, 'k'}), Frame.of(Frame.READY, 0));
    // what a cooked tty echoes for two NOP frames: ^A^@^@^@^@^@^@^@^@ twice, plus a partial frame
    String echo = "^A^@^@^@^@^@^@^@^@^A^@^@^@^@^@^@^@^@\u0001\0\0";
    byte[] junk = echo.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] all = new byte[junk.length + hello.length];
    System.arraycopy(junk, 0, all, 0, junk.length);
    System.arraycopy(hello, 0, all, junk.length, hello.length);
    FrameReader r = new FrameReader(new ByteArrayInputStream(all));
    Frame f = r.readHello();
    assertArrayEquals(new byte[] {0, 0, 0, 1, 'k'}, f.payload());
    assertEquals(junk.length, r.skippedBeforeHello());
    assertEquals(Frame.READY, r.read().type(), "frames after HELLO are read normally");
    assertNull(new FrameReader(new ByteArrayInputStream(junk)).readHello(), "no HELLO at all");
  }

  @Test
  void unknownTypesAreReadLikeAnyOther() throws IOException {
    Frame odd = new Frame(0x7E, 0, new byte[] {9});
    assertEquals(odd, new FrameReader(new ByteArrayInputStream(write(odd))).read());
  }

  @Test
  void readerCopesWithOneByteAtATime() throws IOException {
    byte[] bytes = write(new Frame(Frame.STDOUT, 1, "hello".getBytes()), Frame.of(Frame.READY, 0));
    ByteArrayInputStream slow = new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1));
      }
    };
    FrameReader r = new FrameReader(slow);
    assertEquals("hello", new String(r.read().payload()));
    assertEquals(Frame.READY, r.read().type());
  }

  @Test
  void concurrentWritersNeverInterleaveFrames() throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream() {
      @Override
      public synchronized void write(byte[] b, int off, int len) {
        // split every write to give other threads a chance to interleave if the writer did not serialise
        for (int i = 0; i < len; i += 7) {
          super.write(b, off + i, Math.min(7, len - i));
          Thread.yield();
        }
      }
    };
    FrameWriter w = new FrameWriter(bos);
    int threads = 8;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int session = t + 1;
      futures.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < perThread; i++) {
          byte[] p = new byte[1 + (i * 37) % 300];
          Arrays.fill(p, (byte) session);
          w.write(new Frame(Frame.STDIN, session, p));
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    FrameReader r = new FrameReader(new ByteArrayInputStream(bos.toByteArray()));
    Map<Integer, Integer> counts = new HashMap<>();
    Frame f;
    while ((f = r.read()) != null) {
      byte[] p = f.payload();
      for (byte b : p) {
        assertEquals(f.session(), b, "payload bytes belong to the frame's own session");
      }
      counts.merge(f.session(), 1, Integer::sum);
    }
    for (int s = 1; s <= threads; s++) {
      assertEquals(perThread, counts.get(s));
    }
  }
}
