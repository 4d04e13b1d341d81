package io.stage1xen.aci;

import io.stage1xen.appc.ImageManifestTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A small stage1 rootfs laid out like the real one, built in a temporary directory. */
final class FixtureRootfs {
  static final String EXECUTABLE = "stage1-xen/bin/stage1-xen";
  static final String LONG_NAME = "stage1-xen/share/" + "a-file-name-longer-than-the-hundred-bytes-of-a-ustar-name-field/"
      + "so-it-needs-a-pax-header.txt";

  private FixtureRootfs() {}

  static ImageManifestTree manifest() {
    try (InputStream in = FixtureRootfs.class.getResourceAsStream("/aci/manifest-template.json")) {
      return ImageManifestTree.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "manifest-template.json")
          .withLabel("version", "1.2.3");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path create(Path dir) throws IOException, InvalidAciException {
    Path root = Files.createDirectories(dir.resolve("rootfs"));
    write(root, EXECUTABLE, "#!/bin/sh\necho fixture \"$0\" \"$@\"\n", "rwxr-xr-x");
    write(root, "stage1-xen/bin/lib/libfixture.so", "not really a library\n", "rw-r--r--");
    write(root, "stage1-xen/guest/kernel", "kernel bytes\n", "rw-r--r--");
    write(root, "stage1-xen/guest/initrd", "initrd bytes\n", "rw-r--r--");
    write(root, LONG_NAME, "long\n", "rw-r--r--");
    write(root, "stage1-xen/share/\u00e9t\u00e9.txt", "non-ASCII name\n", "rw-r--r--");
    Files.createDirectories(root.resolve("rkt/status"));
    Files.createDirectories(root.resolve("opt/stage2"));
    EntrypointLinks.create(manifest(), root, EXECUTABLE);
    return root;
  }

  static void write(Path root, String path, String content, String perms) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
  }
}
