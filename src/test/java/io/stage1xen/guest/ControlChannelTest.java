package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host end against a scripted guest on a real UNIX socket. */
class ControlChannelTest {
  @TempDir Path dir;
  private ServerSocketChannel server;
  private SocketChannel guestSide;
  private FrameReader fromHost;
  private FrameWriter toHost;
  private UnixSocketLink link;

  private final EventLog recorder = new EventLog();
  private final BlockingQueue<String> events = recorder.events;

  @BeforeEach
  void connect() throws IOException {
    Path sock = dir.resolve("ctl.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(sock));
    link = UnixSocketLink.connect(sock);
    guestSide = server.accept();
    fromHost = new FrameReader(Channels.newInputStream(guestSide));
    toHost = new FrameWriter(Channels.newOutputStream(guestSide));
  }

  @AfterEach
  void close() throws IOException {
    link.close();
    guestSide.close();
    server.close();
  }

  private static PodPlan plan() {
    return new PodPlan("h", null, null, false, Duration.ofSeconds(1), false, List.of(),
        List.of(AppPlan.builder("web", "/r", List.of("/bin/x")).build()));
  }

  private static Frame u32(int type, int session, int v) {
    return new Frame(type, session, new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
  }

  /** A channel past HELLO and PLAN, as the guest's side saw them. */
  private ControlChannel started() throws Exception {
    ControlChannel cc = new ControlChannel(link.in(), link.out(), recorder, Duration.ofSeconds(10));
    cc.start(plan());
    assertEquals(Frame.NOP, fromHost.read().type());
    toHost.write(new Frame(Frame.HELLO, 0, new byte[] {0, 0, 0, 1}));
    assertTrue(next().startsWith("hello"));
    return cc;
  }

  private String next() throws InterruptedException {
    String e = events.poll(5, TimeUnit.SECONDS);
    assertNotNull(e, "expected an event");
    return e;
  }

  @Test
  void nopsUntilHelloThenThePlanThenEvents() throws Exception {
    ControlChannel cc = new ControlChannel(link.in(), link.out(), recorder, Duration.ofMillis(20));
    cc.start(plan());
    // the host keeps poking while the guest is silent
    for (int i = 0; i < 3; i++) {
      assertEquals(Frame.NOP, fromHost.read().type());
    }
    byte[] hello = "\0\0\0\1kernel=6.1 guest=xen-pvh".getBytes(StandardCharsets.UTF_8);
    toHost.write(new Frame(Frame.HELLO, 0, hello));
    toHost.write(new Frame(Frame.HELLO, 0, hello)); // answers to queued NOPs: ignored
    Frame f;
    while ((f = fromHost.read()).type() == Frame.NOP) {
      // NOPs already in flight
    }
    assertEquals(Frame.PLAN, f.type());
    assertArrayEquals(PlanEncoder.encode(plan()), f.payload());
    assertTrue(cc.awaitHello(Duration.ofSeconds(1)));
    assertEquals("hello 1 kernel=6.1 guest=xen-pvh", next());

    toHost.write(u32(Frame.STARTED, 1, 42));
    toHost.write(Frame.of(Frame.READY, 0));
    toHost.write(new Frame(0x77, 0, new byte[] {1, 2})); // unknown type: ignored
    toHost.write(new Frame(Frame.STDOUT, 1, "out\u00ff".getBytes(StandardCharsets.ISO_8859_1)));
    toHost.write(new Frame(Frame.STDERR, 1, "err".getBytes(StandardCharsets.ISO_8859_1)));
    toHost.write(new Frame(Frame.LOG, 1, "\u0002careful".getBytes(StandardCharsets.UTF_8)));
    toHost.write(u32(Frame.EXITED, 1, 139));
    toHost.write(new Frame(Frame.POWEROFF, 0, new byte[] {1}));
    assertEquals("started 1 42", next());
    assertEquals("ready", next());
    assertEquals("STDOUT 1 out\u00ff", next());
    assertEquals("STDERR 1 err", next());
    assertEquals("log 1 WARNING careful", next());
    assertEquals("exited 1 139", next());
    assertEquals("poweroff APP_FAILED", next());
    // the host confirms POWEROFF so the guest may power off without losing the statuses
    assertEquals(Frame.POWEROFF_ACK, fromHost.read().type());
    guestSide.close();
    assertEquals("closed clean", next());
    assertTrue(cc.awaitClosed(Duration.ofSeconds(1)));
  }

  @Test
  void requestsAreFramedAsTheProtocolSays() throws Exception {
    ControlChannel cc = new ControlChannel(link.in(), link.out(), recorder, Duration.ofSeconds(10));
    cc.start(plan());
    assertEquals(Frame.NOP, fromHost.read().type());
    toHost.write(new Frame(Frame.HELLO, 0, new byte[] {0, 0, 0, 1}));
    assertEquals(Frame.PLAN, fromHost.read().type());

    byte[] big = new byte[Frame.MAX_DATA * 2 + 5];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 7);
    }
    cc.sendStdin(1, big);
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Frame f = fromHost.read();
      assertEquals(Frame.STDIN, f.type());
      assertEquals(1, f.session());
      assertTrue(f.length() <= Frame.MAX_DATA);
      chunks.add(f.payload());
    }
    java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
    chunks.forEach(joined::writeBytes);
    assertArrayEquals(big, joined.toByteArray());
    cc.sendStdin(1, new byte[0]);
    assertEquals(0, fromHost.read().length(), "empty STDIN = end of input");

    int s1 = cc.startExec(ExecRequest.pipes("web", List.of("/bin/sh")));
    int s2 = cc.startExec(ExecRequest.terminal("web", List.of("/bin/sh"), 24, 80));
    assertEquals(0x10000, s1);
    assertEquals(0x10001, s2);
    Frame exec = fromHost.read();
    assertEquals(Frame.EXEC, exec.type());
    assertEquals(s1, exec.session());
    assertEquals(List.of("/bin/sh"), TlvDecoder.decode(exec.payload()).texts(PlanEncoder.T_ARG));
    assertEquals(s2, fromHost.read().session());

    cc.sendSignal(s1, 15);
    assertArrayEquals(new byte[] {15}, fromHost.read().payload());
    cc.sendWinsize(s2, 300, 1000);
    Frame ws = fromHost.read();
    assertEquals(Frame.WINSIZE, ws.type());
    assertArrayEquals(new byte[] {1, 44, 3, (byte) 232}, ws.payload());
    cc.sendShutdown(Duration.ofMillis(70000));
    Frame sd = fromHost.read();
    assertEquals(Frame.SHUTDOWN, sd.type());
    assertEquals(70000, sd.u32());
    cc.close();
  }

  @Test
  void aWrongProtocolVersionClosesTheLinkWithAReason() throws Exception {
    ControlChannel cc = new ControlChannel(link.in(), link.out(), recorder, Duration.ofSeconds(10));
    cc.start(plan());
    fromHost.read();
    toHost.write(new Frame(Frame.HELLO, 0, new byte[] {0, 0, 0, 9}));
    String closed = next();
    assertTrue(closed.startsWith("closed ") && closed.contains("version 9"), closed);
    assertTrue(cc.awaitClosed(Duration.ofSeconds(1)));
    assertTrue(!cc.awaitHello(Duration.ofMillis(10)), "no HELLO counted");
  }

  @Test
  void guestTextArrivesPrintable() throws Exception {
    ControlChannel cc = new ControlChannel(link.in(), link.out(), recorder, Duration.ofSeconds(10));
    cc.start(plan());
    fromHost.read();
    toHost.write(new Frame(Frame.HELLO, 0, "\0\0\0\1kernel=\u001b[2J guest=x\nforged".getBytes(StandardCharsets.UTF_8)));
    assertEquals("hello 1 kernel=\\u001b[2J guest=x\\nforged", next());
    toHost.write(new Frame(Frame.LOG, 1, "\u0001\u001b]0;owned\u0007\rdone\u009b".getBytes(StandardCharsets.UTF_8)));
    assertEquals("log 1 ERROR \\u001b]0;owned\\u0007\\rdone\\u009b", next());
    toHost.write(new Frame(Frame.STDOUT, 1, "\u001b[2J".getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals("STDOUT 1 \u001b[2J", next(), "an app's output is its own: byte-exact");
    cc.close();
  }

  @Test
  void anExitStatusOutsideZeroTo255ClosesTheLinkAndIsNeverReported() throws Exception {
    ControlChannel cc = started();
    toHost.write(u32(Frame.EXITED, 1, 256));
    toHost.write(u32(Frame.EXITED, 1, 0));
    assertEquals("closed the guest sent EXITED for session 1 with status 256; an exit status is 4 bytes holding 0 to"
        + " 255", next());
    assertNull(events.poll(200, TimeUnit.MILLISECONDS), "nothing after the violation is believed");
  }

  @Test
  void aStopRequestDoesNotWaitBehindStdinToAGuestThatStoppedReading() throws Exception {
    ControlChannel cc = started();
    // the guest reads nothing from now on; the host relays stdin until the socket is full
    Thread pump = new Thread(() -> {
      try {
        while (true) {
          cc.sendStdin(1, new byte[Frame.MAX_DATA]);
        }
      } catch (IOException e) {
        // the link closed at the end of the test
      }
    });
    pump.setDaemon(true);
    pump.start();
    Thread.sleep(500);

    java.io.InterruptedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
        java.io.InterruptedIOException.class, () -> cc.sendShutdown(Duration.ofSeconds(1)));

    assertTrue(e.getMessage().contains("frame type 0x03 not sent yet"), e.getMessage());
    assertTrue(pump.isAlive(), "the stdin relay is still blocked in its write");
    cc.close();
  }

  @Test
  void aBrokenStreamIsReportedOnce() throws Exception {
    ControlChannel cc = started();
    assertEquals(Frame.PLAN, fromHost.read().type()); // unread data would turn the close into a reset
    guestSide.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xA0, 0, 0, 0, 1, 0, 0, 0, 9, 1}));
    guestSide.close();
    String closed = next();
    assertTrue(closed.contains("inside a frame"), closed);
    assertNull(events.poll(100, TimeUnit.MILLISECONDS));
  }
}
