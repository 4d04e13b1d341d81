package io.stage1xen.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.aci.AciPacker;
import io.stage1xen.process.ExecResult;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image `./build.sh` produced (-Dstage1xen.aci): native when a native-image was available, else the JVM one. */
@Tag("native")
class BuiltImageTest extends PackagedEntrypointChecks {
  /** What a native executable may take from the host: glibc, nothing else. */
  private static final Set<String> HOST_LIBRARIES = Set.of("libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0",
      "librt.so.1", "ld-linux-x86-64.so.2");

  @TempDir static Path unpacked;
  private static PackagedImage image;

  @BeforeAll
  static void unpack() throws Exception {
    image = PackagedImage.unpack(PackagedImage.builtAci(), unpacked);
  }

  @Override
  PackagedImage image() {
    return image;
  }

  @Test
  void unpackingAndPackingAgainGivesTheSameBytes() throws Exception {
    // the build is reproducible from its inputs: the same rootfs, manifest and time stamp give the same image
    long mtime;
    try (var tar = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(image.aci)))) {
      mtime = tar.getNextEntry().getLastModifiedTime().toInstant().getEpochSecond();
    }
    Path again = unpacked.resolveSibling(unpacked.getFileName() + "-again.aci");
    try {
      new AciPacker(Instant.ofEpochSecond(mtime)).pack(image.manifest, image.rootfs, again);
      assertEquals(sha256(image.aci), sha256(again));
    } finally {
      Files.deleteIfExists(again);
    }
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), md));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @Test
  void theExecutableNeedsOnlyGlibcAndWhatTheImageShips() throws Exception {
    if (!image.isNative()) {
      assertTrue(Files.readString(image.executable()).startsWith("#!/bin/sh\n"), "JVM launcher");
      assertTrue(Files.isExecutable(image.rootfs.resolve("stage1-xen/jvm/runtime/bin/java")), "bundled runtime");
      return;
    }
    Path bin = image.executable().getParent();
    List<Path> elves = new ArrayList<>(List.of(image.executable()));
    if (Files.isDirectory(bin.resolve("lib"))) {
      try (Stream<Path> libs = Files.list(bin.resolve("lib"))) {
        libs.filter(p -> p.getFileName().toString().endsWith(".so")).forEach(elves::add);
      }
    }
    Pattern needed = Pattern.compile("\\(NEEDED\\)\\s+Shared library: \\[([^\\]]+)\\]");
    for (Path elf : elves) {
      ExecResult r = image.run("readelf", "-d", elf.toString());
      assertEquals(0, r.exitCode(), "readelf -d " + elf + ": " + r.stderr());
      Matcher m = needed.matcher(r.stdout());
      while (m.find()) {
        String lib = m.group(1);
        assertTrue(HOST_LIBRARIES.contains(lib) || Files.exists(bin.resolve("lib").resolve(lib)),
            elf.getFileName() + " needs " + lib + ", which is neither glibc nor shipped in stage1-xen/bin/lib/");
      }
      if (elf.equals(image.executable()) && Files.isDirectory(bin.resolve("lib"))) {
        assertTrue(r.stdout().contains("$ORIGIN/lib"), "the executable finds lib/ through $ORIGIN: " + r.stdout());
      }
    }
  }

  @Test
  void theNativeExecutableStartsItsChildrenWithVforkAndSaysNothingAboutIt() throws Exception {
    // GraalVM's runtime asks for fork; ChildLaunch switches to vfork before anything reads the environment
    Assumptions.assumeTrue(image.isNative(), "the JVM image keeps the JDK's posix_spawn");
    Path trace = unpacked.resolveSibling(unpacked.getFileName() + "-strace.txt");
    ExecResult r = image.run("strace", "-f", "-qq", "-e", "trace=fork,vfork,clone,clone3,execve", "-o",
        trace.toString(), image.executable().toString(), "diag", "exec", "--debug", "--", "/bin/true");
    assertEquals(0, r.exitCode(), "strace (installed by build.sh for the packaged tier): " + r.stderr());
    assertTrue(r.stderr().contains("DEBUG SystemProcessRunner - children start with VFORK"), r.stderr());
    assertFalse(r.stderr().toLowerCase(java.util.Locale.ROOT).contains("deprecated"),
        "the JDK's deprecation notice stays out of stderr: " + r.stderr());
    List<String> calls = Files.readAllLines(trace);
    Files.delete(trace);
    assertTrue(calls.stream().anyMatch(l -> l.contains("vfork(")), String.join("\n", calls));
    // the only clones left are threads (CLONE_THREAD); none copies the address space
    assertTrue(calls.stream().filter(l -> l.contains("clone")).allMatch(l -> l.contains("CLONE_THREAD")
        || l.contains("resumed>")), String.join("\n", calls));
  }
}
