package io.stage1xen.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mount points made in dom0 inside a hostile image, resolved as the guest's openat2(RESOLVE_IN_ROOT) resolves them:
 * whatever the image's links say, nothing is made or changed outside the root.
 */
class InRootPathsTest {
  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private InRootPaths in;

  @BeforeEach
  void image() throws IOException {
    root = Files.createDirectories(tmp.resolve("rootfs"));
    outside = tmp.resolve("outside");
    Files.createDirectories(root.resolve("etc"));
    Files.createDirectories(root.resolve("proc"));
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/:/bin/sh\n");
    Files.createSymbolicLink(root.resolve("etc/resolv.conf"), Path.of("../run/systemd/resolve/stub-resolv.conf"));
    Files.createSymbolicLink(root.resolve("up"), Path.of("../../../outside"));
    Files.createSymbolicLink(root.resolve("abs"), Path.of("/../outside/abs"));
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    Files.createSymbolicLink(root.resolve("var"), Path.of("private/var"));
    Files.writeString(root.resolve("data"), "a file, not a directory");
    in = new InRootPaths(root);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "sys, sys",
      "proc, proc",
      "/srv/a//./b/, srv/a/b",
      "up/vol, outside/vol",
      "up/../../x, x",
      "abs, outside/abs",
      "var/lib/app, private/var/lib/app",
      "/etc/../../.., ''"})
  void directoriesAreMadeInsideTheRoot(String path, String expected) throws IOException {
    assertTrue(in.directory(path), path);
    assertTrue(Files.isDirectory(root.resolve(expected), LinkOption.NOFOLLOW_LINKS), expected);
    assertFalse(Files.exists(outside), "nothing outside the root");
    assertTrue(Files.isSymbolicLink(root.resolve("up")), "the image's links stay as they are");
  }

  @Test
  void filesAreMadeEmptyWithTheGuestsModesAndDanglingLinksGetTheirTarget() throws IOException {
    assertTrue(in.file("etc/hosts"));
    assertTrue(in.file("etc/resolv.conf"));
    assertTrue(in.file("etc/passwd"), "an existing file is fine");
    assertEquals("", Files.readString(root.resolve("etc/hosts")));
    assertEquals("", Files.readString(root.resolve("run/systemd/resolve/stub-resolv.conf")));
    assertTrue(Files.isSymbolicLink(root.resolve("etc/resolv.conf")));
    assertEquals("root:x:0:0::/:/bin/sh\n", Files.readString(root.resolve("etc/passwd")), "untouched");
    assertEquals("rw-r--r--", mode(root.resolve("etc/hosts")));
    assertEquals("rwxr-xr-x", mode(root.resolve("run/systemd")));
    assertTrue(in.file("up/app.conf"));
    assertTrue(Files.isRegularFile(root.resolve("outside/app.conf")));
    assertFalse(Files.exists(outside));
  }

  @ParameterizedTest
  @CsvSource({"loop/x, false", "data/x, false", "data, false", "etc/passwd/x, false"})
  void whatCannotBeMadeIsLeftToTheGuest(String path, boolean file) throws IOException {
    long before = count();
    assertFalse(file ? in.file(path) : in.directory(path), path);
    assertEquals(before, count(), "nothing was made");
  }

  private long count() throws IOException {
    try (Stream<Path> all = Files.walk(tmp)) {
      return all.count();
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }
}
