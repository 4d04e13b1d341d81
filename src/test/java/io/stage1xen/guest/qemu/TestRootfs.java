package io.stage1xen.guest.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** App root filesystems for guest tests, made by tests/images/make-rootfs.sh (the script the Xen suite uses). */
final class TestRootfs {
  private TestRootfs() {}

  static Path script() {
    Path p = Path.of(System.getProperty("user.dir"), "tests", "images", "make-rootfs.sh");
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("missing " + p);
    }
    return p;
  }

  static Path make(Path dir, String... options) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", script().toString(), dir.toString()));
    cmd.addAll(List.of(options));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("make-rootfs.sh failed: " + new String(out, StandardCharsets.UTF_8).strip());
    }
    return dir;
  }
}
