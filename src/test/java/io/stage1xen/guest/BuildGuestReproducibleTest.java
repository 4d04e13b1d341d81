package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * build-guest.sh twice gives identical bytes, the kernel is an ELF with every driver built in, and the initrd is
 * what the guest needs and small. Slow (two builds; the first one may download and compile the kernel).
 */
@Tag("slow")
class BuildGuestReproducibleTest {
  @TempDir Path tmp;

  @Test
  void twoBuildsAreIdenticalAndTheInitrdIsSmall() throws Exception {
    build(tmp.resolve("a"));
    build(tmp.resolve("b"));
    for (String f : List.of("kernel", "initrd")) {
      assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)), Files.readAllBytes(tmp.resolve("b").resolve(f)),
          f + " differs between two builds");
    }
    byte[] kernel = Files.readAllBytes(tmp.resolve("a/kernel"));
    assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(kernel, 4), "the kernel ships as an ELF");
    byte[] initrd = Files.readAllBytes(tmp.resolve("a/initrd"));
    assertTrue(initrd.length < 10 * 1024 * 1024, "initrd is " + initrd.length + " bytes");
    String cpio;
    try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(tmp.resolve("a/initrd")))) {
      cpio = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    for (String entry : List.of("init", "bin/busybox", "sbin/poweroff")) {
      assertTrue(cpio.contains(entry + "\0"), "initrd lacks " + entry);
    }
    // the kernel build-guest.sh builds has its drivers built in: no module and no module list to load
    assertFalse(cpio.contains("lib/modules"), "initrd has modules although the kernel needs none");
  }

  private static void build(Path out) throws Exception {
    Path script = Path.of(System.getProperty("user.dir"), "stage1", "guest", "build-guest.sh");
    Process p = new ProcessBuilder("bash", script.toString(), out.toString()).redirectErrorStream(true).start();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    p.getInputStream().transferTo(log);
    assertTrue(p.waitFor(60, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), log.toString(StandardCharsets.UTF_8));
  }
}
