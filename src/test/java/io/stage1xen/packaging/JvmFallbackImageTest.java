package io.stage1xen.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the image the way a machine without GraalVM does (build.sh with NATIVE=no, reusing the jar under test) and
 * runs the same checks on it, so the fallback keeps working while CI builds native images.
 */
@Tag("slow")
class JvmFallbackImageTest extends PackagedEntrypointChecks {
  @TempDir static Path work;
  private static PackagedImage image;

  @BeforeAll
  static void build() throws Exception {
    Path jar = Path.of(System.getProperty("stage1xen.jar", "target/stage1-xen-all.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no jar to package: " + jar + " (run `./build.sh test` or `mvn package` first)");
    }
    Path aci = work.resolve("out/stage1-xen.aci");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("NATIVE", "no");
    env.put("JAR", jar.toString());
    env.put("OUT", aci.toString());
    env.put("BUILD_DIR", work.resolve("build").toString());
    env.put("GUEST", "no");
    env.put("INSTALL_DEPS", "no");
    ExecResult r = PackagedImage.host().run(Command.of(Duration.ofMinutes(10), "./build.sh").withEnvironment(env));
    assertEquals(0, r.exitCode(), "NATIVE=no ./build.sh failed:\n" + r.stdout() + r.stderr());
    assertTrue(r.stdout().contains("packing a JVM runtime instead"), r.stdout());
    image = PackagedImage.unpack(aci, Files.createDirectories(work.resolve("unpacked")));
  }

  @Override
  PackagedImage image() {
    return image;
  }

  @Test
  void theLauncherIsAShellScriptAndTheRuntimeIsBundled() throws Exception {
    assertFalse(image.isNative());
    assertTrue(Files.readString(image.executable()).startsWith("#!/bin/sh\n"));
    assertTrue(Files.isRegularFile(image.rootfs.resolve("stage1-xen/jvm/runtime/lib/server/classes.jsa")),
        "class-data archive");
  }

  @Test
  void theHostsJavaSettingsAreIgnored() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("JAVA_TOOL_OPTIONS", "-Xmx1k");
    env.put("JDK_JAVA_OPTIONS", "--no-such-option");
    env.put("JAVA_HOME", "/nonexistent");
    env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    ExecResult r = image.runWithEnvironment(env, image.rootfs.resolve("run").toString(), "--version");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("stage1-xen " + image.version() + "\n", r.stdout());
    assertEquals("", r.stderr());
  }

  @Test
  void theClassDataArchiveIsUsedAfterTheImageMoved() throws Exception {
    // rkt unpacks the image into its store and runs entrypoints from per-pod paths: the archive must not be tied
    // to where the build dumped it
    ExecResult r = image.run(image.rootfs.resolve("stage1-xen/jvm/runtime/bin/java").toString(), "-Xshare:on",
        "-XX:+UseSerialGC", "-m", "stage1xen/io.stage1xen.Main", "--version");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("stage1-xen " + image.version() + "\n", r.stdout());
  }
}
