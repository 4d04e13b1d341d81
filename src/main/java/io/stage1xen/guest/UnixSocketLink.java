package io.stage1xen.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A connected UNIX socket as an input/output stream pair for {@link ControlChannel}. The JDK's
 * {@code Channels.newInputStream} would hold the channel's blocking lock during a read and so block every write
 * from another thread; these streams call the channel directly, which allows one reader and writers at once.
 */
public final class UnixSocketLink implements AutoCloseable {
  private final SocketChannel channel;
  private final InputStream in;
  private final OutputStream out;

  private UnixSocketLink(SocketChannel channel) {
    this.channel = channel;
    this.in = new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        return channel.read(ByteBuffer.wrap(b, off, len));
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
    this.out = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        while (bb.hasRemaining()) {
          channel.write(bb);
        }
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }

  /** Connects once; the caller decides about retries (the socket appears when the domain's backend starts). */
  public static UnixSocketLink connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new UnixSocketLink(ch);
  }

  /** Wraps a channel that is already connected (e.g. one a server accepted). */
  public static UnixSocketLink of(SocketChannel connected) {
    if (!connected.isConnected()) {
      throw new IllegalArgumentException("the socket channel is not connected");
    }
    return new UnixSocketLink(connected);
  }

  public InputStream in() {
    return in;
  }

  public OutputStream out() {
    return out;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
