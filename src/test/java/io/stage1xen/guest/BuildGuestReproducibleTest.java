package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    List<String> names = names(cpio);
    assertTrue(names.containsAll(List.of("init", "bin/busybox", "sbin/poweroff")), "initrd entries: " + names);
    // the kernel build-guest.sh builds has its drivers built in: no module directory, so no list for the init to load
    assertFalse(names.stream().anyMatch(n -> n.startsWith("lib/modules")), "modules although the kernel needs none: "
        + names);
  }

  /** The entry names of a newc archive: 110-byte headers, name and data each padded to 4 bytes. */
  private static List<String> names(String cpio) {
    List<String> names = new ArrayList<>();
    int at = 0;
    while (at + 110 <= cpio.length() && cpio.startsWith("070701", at)) {
      int size = Integer.parseInt(cpio.substring(at + 54, at + 62), 16);
      int nameSize = Integer.parseInt(cpio.substring(at + 94, at + 102), 16);
      String name = cpio.substring(at + 110, at + 110 + nameSize - 1);
      if (name.equals("TRAILER!!!")) {
        break;
      }
      names.add(name);
      int data = (at + 110 + nameSize + 3) & ~3;
      at = (data + size + 3) & ~3;
    }
    return names;
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
