package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writing to a peer that stopped reading (a paused or hostile guest): the data writer blocks, and nothing else does.
 * A real UNIX socket whose other end never reads: its buffer fills, as the control channel's does.
 */
class FrameWriterTest {
  @TempDir Path dir;

  @Test
  void aBoundedWriteGivesUpWhileAnotherWriteIsBlockedOnAPeerThatStoppedReading() throws Exception {
    Path sock = dir.resolve("s");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      UnixSocketLink link = UnixSocketLink.connect(sock);
      try (SocketChannel deaf = server.accept(); link) {
        FrameWriter writer = new FrameWriter(link.out());
        CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
          try {
            while (true) {
              writer.write(new Frame(Frame.STDIN, 1, new byte[Frame.MAX_DATA]));
            }
          } catch (IOException e) {
            // the link closed at the end of the test
          }
        });
        Thread.sleep(500); // the socket's buffers are full: the flood's write blocks

        InterruptedIOException e = assertThrows(InterruptedIOException.class,
            () -> writer.write(new Frame(Frame.SHUTDOWN, 0, new byte[4]), Duration.ofMillis(300)));

        assertEquals("the other end has not read for 300 ms: frame type 0x03 not sent yet", e.getMessage());
        assertTrue(!flood.isDone(), "the flood is still blocked in its write");
        link.close();
        flood.get(10, TimeUnit.SECONDS);
        assertThrows(IOException.class, () -> writer.write(Frame.of(Frame.NOP, 0)), "a broken stream stays broken");
      }
    }
  }

  @Test
  void aBoundedWriteGoesOutInOrderOnceThePeerReadsAgain() throws Exception {
    Path sock = dir.resolve("s");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      try (UnixSocketLink link = UnixSocketLink.connect(sock); SocketChannel peer = server.accept()) {
        FrameWriter writer = new FrameWriter(link.out());
        int frames = 64; // 2 MiB: more than the socket holds
        CompletableFuture<Void> data = CompletableFuture.runAsync(() -> {
          try {
            for (int i = 0; i < frames; i++) {
              writer.write(new Frame(Frame.STDIN, i, new byte[Frame.MAX_DATA]));
            }
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
        Thread.sleep(300);
        assertThrows(InterruptedIOException.class,
            () -> writer.write(Frame.of(Frame.SHUTDOWN, 0), Duration.ofMillis(100)));

        FrameReader reader = new FrameReader(Channels.newInputStream(peer));
        int stdin = 0;
        Frame f;
        while ((f = reader.read()).type() == Frame.STDIN) {
          assertEquals(stdin++, f.session(), "whole frames, in order");
        }
        assertEquals(Frame.SHUTDOWN, f.type(), "the frame that gave up waiting still went out, once, in its place");
        assertTrue(stdin > 0 && stdin < frames, stdin + " data frames before it");
        while (stdin < frames) {
          assertEquals(stdin++, reader.read().session(), "the rest of the data after it");
        }
        data.get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aFailedStreamFailsEveryWriteAfterIt() throws Exception {
    FrameWriter writer = new FrameWriter(new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("Broken pipe");
      }
    });
    IOException first = assertThrows(IOException.class, () -> writer.write(Frame.of(Frame.NOP, 0)));
    assertEquals("Broken pipe", first.getMessage());
    IOException later = assertThrows(IOException.class,
        () -> writer.write(Frame.of(Frame.SHUTDOWN, 0), Duration.ofSeconds(5)));
    assertEquals("Broken pipe", later.getMessage());
  }
}
