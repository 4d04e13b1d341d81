package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles and runs the guest init's C unit tests (stage1/guest/tests/unit_test.c) on the build host: plan
 * decoding with malformed input (also of network interfaces), symlink escapes out of an app root (also for volume
 * targets), user/group resolution, and the golden frames of src/test/resources/protocol/ (GoldenFramesTest holds
 * the host to the same files): the guest's encoders must write the guest-to-host ones byte for byte, its decoders
 * read the host-to-guest ones. With -Dgolden.update=true the C test writes the guest's files instead.
 */
class GuestInitUnitTest {
  @TempDir Path tmp;

  @Test
  void cUnitTestsPass() throws Exception {
    Path src = Path.of(System.getProperty("user.dir"), "stage1", "guest");
    Assumptions.assumeTrue(onPath("gcc"), "gcc is not installed (Debian package gcc): C unit tests not run");
    Path bin = tmp.resolve("unit");
    List<String> cmd = new ArrayList<>(List.of("gcc", "-std=gnu11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror",
        "-I", src.toString(), "-o", bin.toString(), src.resolve("tests/unit_test.c").toString()));
    for (String f : List.of("plan.c", "net.c", "safepath.c", "volumes.c", "ids.c", "util.c", "proto.c", "log.c",
        "apps.c")) {
      cmd.add(src.resolve(f).toString());
    }
    assertEquals("", run(cmd).strip(), "compiles without warnings");
    String out = run(List.of(bin.toString(), GoldenFramesTest.DIR.toString()));
    assertTrue(out.strip().endsWith(" 0 failed") && !out.contains("FAIL"), out);
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  static String run(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (Boolean.getBoolean("golden.update")) {
      pb.environment().put("S1X_GOLDEN_UPDATE", "1");
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
    return out;
  }
}
