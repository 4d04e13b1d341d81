package io.stage1xen.lifecycle;

import io.stage1xen.guest.ControlChannel;
import io.stage1xen.guest.Frame;
import io.stage1xen.guest.FrameReader;
import io.stage1xen.guest.FrameWriter;
import io.stage1xen.guest.UnixSocketLink;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's end of enter: a UNIX socket in the pod directory, reachable by root only from the moment it
 * exists ({@link #bindPrivately}), where each enter process opens one session. The relay forwards the session's
 * frames (docs/PROTOCOL.md, session 0 on this side) to the guest under a session id of the control channel, and the
 * guest's output and exit status back. It never looks inside the command: the guest validates and runs it.
 *
 * <p>The app entrypoints of a mutable pod use the same socket: a connection that begins with APP_START, APP_STOP or
 * APP_RM (payload: the app's name) is one request to {@link AddedApps}, answered with STDERR (why it failed, if it
 * did) and EXITED (0 done, {@link AddedApps#REFUSED} refused or failed, {@link AddedApps#UNCHANGED} refused with
 * nothing changed).
 */
final class ExecRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExecRelay.class);
  /** Sent to a command whose enter process went away, so that nothing is left running in the pod. */
  private static final int SIGKILL = 9;

  private final Path socket;
  private final ControlChannel channel;
  private final Map<Integer, Client> sessions = new ConcurrentHashMap<>();
  private final AddedApps added;
  private ServerSocketChannel server;

  ExecRelay(Path socket, ControlChannel channel, AddedApps added) {
    this.socket = socket;
    this.channel = channel;
    this.added = added;
  }

  void start() throws IOException {
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    bindPrivately();
    Thread acceptor = new Thread(this::acceptLoop, "exec-relay");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Binds the server to {@link #socket} such that no other user can connect at any moment. bind(2) creates the
   * socket file with the process's umask, and the JDK can neither pass a mode nor set the umask; so the socket is
   * bound inside a fresh directory only root can enter (mode 0700 from its mkdir on), made 0600 there, and then
   * renamed to its path: a rename keeps the bound socket (connect finds it by inode) and is atomic, so the path
   * never names a socket of another mode.
   */
  private void bindPrivately() throws IOException {
    // short names: a UNIX socket's path has at most 107 bytes, and this one must not be longer than the final one
    Path staging = socket.resolveSibling(".exec");
    Path bound = staging.resolve("s");
    Files.deleteIfExists(bound); // left by a run that was killed right here
    Files.deleteIfExists(staging);
    Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      server.bind(UnixDomainSocketAddress.of(bound));
      Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
      Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(bound);
      Files.delete(staging);
    }
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        UnixSocketLink link = UnixSocketLink.of(server.accept());
        Thread t = new Thread(() -> serve(new Client(link)), "exec-client");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (server.isOpen()) {
          LOG.debug("enter connection failed: {}", e.getMessage());
        }
      }
    }
  }

  private void serve(Client client) {
    int session = -1;
    try {
      FrameReader reader = new FrameReader(client.link.in());
      Frame first = reader.read();
      if (first != null && (first.type() == Frame.APP_START || first.type() == Frame.APP_STOP
          || first.type() == Frame.APP_RM)) {
        answer(client, added.request(first.type(), first.text(0)));
        return;
      }
      if (first == null || first.type() != Frame.EXEC) {
        throw new IOException("an enter session must begin with EXEC");
      }
      session = channel.newExecSession();
      sessions.put(session, client); // before the guest can answer
      channel.startExec(session, first.payload());
      LOG.debug("enter session {} started", session);
      Frame f;
      while ((f = reader.read()) != null) {
        byte[] p = f.payload();
        switch (f.type()) {
          case Frame.STDIN -> channel.sendStdin(session, p);
          case Frame.SIGNAL -> channel.sendSignal(session, p.length == 1 ? p[0] & 0xFF : SIGKILL);
          case Frame.WINSIZE -> {
            ByteBuffer b = ByteBuffer.wrap(p);
            channel.sendWinsize(session, b.getShort() & 0xFFFF, b.getShort() & 0xFFFF);
          }
          default -> LOG.debug("enter session {}: ignoring frame {}", session, f);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("enter session {} link: {}", session, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (session >= 0 && sessions.containsKey(session)) {
      // the enter process is gone before its command ended: end the command too
      try {
        channel.sendSignal(session, SIGKILL);
      } catch (IOException e) {
        LOG.debug("could not end enter session {}: {}", session, e.getMessage());
      }
    }
  }

  private static void answer(Client client, AddedApps.Reply reply) {
    if (!reply.message().isEmpty()) {
      client.send(new Frame(Frame.STDERR, 0, (reply.message() + "\n").getBytes(StandardCharsets.UTF_8)));
    }
    client.send(new Frame(Frame.EXITED, 0, ByteBuffer.allocate(4).putInt(reply.code()).array()));
    client.close();
  }

  /** Output of an enter session; false when the session is not one of this relay's. */
  boolean output(int session, ControlChannel.Listener.Stream stream, byte[] data) {
    Client c = sessions.get(session);
    if (c == null) {
      return false;
    }
    c.send(new Frame(stream == ControlChannel.Listener.Stream.STDOUT ? Frame.STDOUT : Frame.STDERR, 0, data));
    return true;
  }

  /** The exit status of an enter session; false when the session is not one of this relay's. */
  boolean exited(int session, int code) {
    Client c = sessions.remove(session);
    if (c == null) {
      return false;
    }
    c.send(new Frame(Frame.EXITED, 0, ByteBuffer.allocate(4).putInt(code).array()));
    c.close();
    return true;
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        server.close();
      }
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.debug("closing the exec socket: {}", e.getMessage());
    }
    sessions.values().forEach(Client::close);
  }

  /** One enter process. Writes come from the control channel's reader thread. */
  private static final class Client {
    final UnixSocketLink link;
    final FrameWriter writer;

    Client(UnixSocketLink link) {
      this.link = link;
      this.writer = new FrameWriter(link.out());
    }

    void send(Frame f) {
      try {
        writer.write(f);
      } catch (IOException e) {
        LOG.debug("enter client gone: {}", e.getMessage());
      }
    }

    void close() {
      try {
        link.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }
}
