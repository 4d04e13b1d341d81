package io.stage1xen.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.guest.ControlChannel;
import io.stage1xen.guest.UnixSocketLink;
import io.stage1xen.pod.PodLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The enter socket: only root can reach it, from the moment it exists. */
class ExecRelayTest {
  @TempDir Path xen;

  private ExecRelay relay() {
    return relay(xen);
  }

  private static ExecRelay relay(Path dir) {
    ControlChannel unused = new ControlChannel(new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(),
        new ControlChannel.Listener() {});
    PodLayout layout = PodLayout.of(dir);
    return new ExecRelay(dir.resolve("exec.sock"), unused,
        new AddedApps(unused, layout, new PodFiles(layout), java.time.Duration.ofSeconds(1)));
  }

  @Test
  void theSocketIsOwnerOnlyAtItsPathAndAnswersThere() throws Exception {
    try (ExecRelay relay = relay()) {
      relay.start();
      Path socket = xen.resolve("exec.sock");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket,
          LinkOption.NOFOLLOW_LINKS)));
      assertTrue(Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS).isOther(), "a socket, neither file nor directory nor link");
      try (UnixSocketLink link = UnixSocketLink.connect(socket)) {
        assertTrue(link.out() != null, "the renamed socket still accepts connections");
      }
      try (var entries = Files.list(xen)) {
        assertEquals(List.of(socket), entries.toList(), "nothing else left in the directory");
      }
    }
    assertTrue(Files.notExists(xen.resolve("exec.sock")), "closing removes it");
  }

  /**
   * The socket is bound under a path no longer than its own: a pod directory that leaves its path at 106 bytes, the
   * longest the JDK connects to, works.
   */
  @Test
  void aSocketPathOfTheLongestLengthStillWorks() throws Exception {
    int room = 106 - xen.toString().length() - "/exec.sock".length() - 1;
    Path deep = Files.createDirectories(xen.resolve("d".repeat(room)));
    assertEquals(106, deep.resolve("exec.sock").toString().length());
    try (ExecRelay relay = relay(deep); UnixSocketLink link = start(relay, deep)) {
      assertTrue(link.in() != null);
    }
  }

  private static UnixSocketLink start(ExecRelay relay, Path dir) throws IOException {
    relay.start();
    return UnixSocketLink.connect(dir.resolve("exec.sock"));
  }

  /**
   * Everything that ever appears in the directory while the relay starts, watched as fast as the host allows over
   * many starts: the socket's path never names anything but an owner-only socket, and the directory it is bound in
   * is never open to anyone else. (Binding at the path and then changing the mode showed the umask's mode here.)
   */
  @Test
  void atNoMomentIsAnythingThereAccessibleToOthers() throws Exception {
    Set<String> seen = Collections.synchronizedSet(new TreeSet<>());
    AtomicBoolean done = new AtomicBoolean();
    Thread watcher = new Thread(() -> {
      while (!done.get()) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(xen)) {
          for (Path p : entries) {
            PosixFileAttributes a;
            try {
              a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
              continue; // gone between listing and looking: nothing to see
            }
            String mode = PosixFilePermissions.toString(a.permissions());
            if (!mode.equals(a.isDirectory() ? "rwx------" : "rw-------")) {
              seen.add(p.getFileName() + " " + mode);
            }
          }
        } catch (IOException e) {
          seen.add("watch failed: " + e);
        }
      }
    });
    watcher.start();
    try {
      for (int i = 0; i < 300; i++) {
        try (ExecRelay relay = relay()) {
          relay.start();
        }
      }
    } finally {
      done.set(true);
      watcher.join();
    }
    assertEquals(Set.of(), seen);
  }
}
