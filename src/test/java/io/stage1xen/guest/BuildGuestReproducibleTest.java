package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * build-guest.sh twice gives identical bytes, and the initrd is what the guest needs and small. Slow (two
 * builds, and the first one may download Debian packages).
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
    byte[] initrd = Files.readAllBytes(tmp.resolve("a/initrd"));
    assertTrue(initrd.length < 10 * 1024 * 1024, "initrd is " + initrd.length + " bytes");
    String cpio;
    try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(tmp.resolve("a/initrd")))) {
      cpio = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    for (String entry : List.of("init", "bin/busybox", "sbin/poweroff", "lib/modules/xen.list",
        "lib/modules/virtio.list", "lib/modules/9pnet_xen.ko", "lib/modules/xen_netfront.ko")) {
      assertTrue(cpio.contains(entry + "\0"), "initrd lacks " + entry);
    }
    String xen = listing(cpio, "lib/modules/xen.list");
    List<String> order = List.of(xen.split("\n"));
    assertTrue(order.indexOf("netfs.ko") < order.indexOf("9p.ko") && order.indexOf("9pnet.ko") < order.indexOf(
        "9pnet_xen.ko") && order.indexOf("fscache.ko") < order.indexOf("9p.ko"), "dependency order: " + order);
  }

  /** The content of a small file in a newc archive (the entry name is followed by its data, 4-byte aligned). */
  private static String listing(String cpio, String name) {
    int at = cpio.indexOf(name + "\0");
    int header = cpio.lastIndexOf("070701", at);
    int size = Integer.parseInt(cpio.substring(header + 54, header + 62), 16);
    int nameEnd = at + name.length() + 1;
    int data = (nameEnd + 3) & ~3;
    return cpio.substring(data, data + size);
  }

  private static void build(Path out) throws Exception {
    Path script = Path.of(System.getProperty("user.dir"), "stage1", "guest", "build-guest.sh");
    Process p = new ProcessBuilder("bash", script.toString(), out.toString()).redirectErrorStream(true).start();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    p.getInputStream().transferTo(log);
    assertTrue(p.waitFor(15, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), log.toString(StandardCharsets.UTF_8));
  }
}
