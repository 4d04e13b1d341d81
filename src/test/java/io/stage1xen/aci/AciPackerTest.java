package io.stage1xen.aci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.outcome.Stage1Failure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AciPackerTest {
  private static final Instant MTIME = Instant.ofEpochSecond(1_700_000_000L);

  @TempDir Path tmp;

  private Path pack(Path rootfs, String name, Instant mtime) throws Exception {
    Path out = tmp.resolve(name);
    new AciPacker(mtime).pack(FixtureRootfs.manifest(), rootfs, out);
    return out;
  }

  @Test
  void listingMatchesGoldenFile() throws Exception {
    Path aci = pack(FixtureRootfs.create(tmp.resolve("a")), "fixture.aci", MTIME);
    String listing = new AciVerifier().verify(aci, List.of()).listing();
    String golden;
    try (InputStream in = getClass().getResourceAsStream("/aci/fixture-listing.golden")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(golden, listing, "ACI listing differs from src/test/resources/aci/fixture-listing.golden");
  }

  @Test
  void everyEntryHasTheFixedTimeRootOwnershipAndNoBuilderName() throws Exception {
    Path aci = pack(FixtureRootfs.create(tmp.resolve("a")), "fixture.aci", MTIME);
    for (TarArchiveEntry e : rawEntries(aci)) {
      assertEquals(MTIME, e.getLastModifiedTime().toInstant(), e.getName());
      assertEquals(0, e.getLongUserId(), e.getName());
      assertEquals(0, e.getLongGroupId(), e.getName());
      assertEquals("root", e.getUserName(), e.getName());
      assertEquals("root", e.getGroupName(), e.getName());
    }
  }

  @Test
  void gzipHeaderHasNoTimeAndNoFileName() throws Exception {
    byte[] bytes = Files.readAllBytes(pack(FixtureRootfs.create(tmp.resolve("a")), "fixture.aci", MTIME));
    assertEquals(0x1f, bytes[0] & 0xff);
    assertEquals(0x8b, bytes[1] & 0xff);
    assertEquals(0, bytes[3], "FLG: no FNAME, FCOMMENT or FEXTRA");
    assertArrayEquals(new byte[4], new byte[] {bytes[4], bytes[5], bytes[6], bytes[7]}, "MTIME must be 0");
    assertEquals(3, bytes[9], "OS must be Unix");
  }

  @Test
  void longAndNonAsciiNamesSurviveThroughPaxHeaders() throws Exception {
    Path aci = pack(FixtureRootfs.create(tmp.resolve("a")), "fixture.aci", MTIME);
    List<String> names = rawEntries(aci).stream().map(TarArchiveEntry::getName).toList();
    assertTrue(names.contains("rootfs/" + FixtureRootfs.LONG_NAME), names.toString());
    assertTrue(names.contains("rootfs/stage1-xen/share/\u00e9t\u00e9.txt"), names.toString());
  }

  @Test
  void theImageIsReadableByEveryone() throws Exception {
    Path aci = pack(FixtureRootfs.create(tmp.resolve("a")), "fixture.aci", MTIME);
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(aci)));
  }

  @Test
  void packingTwiceGivesIdenticalBytes() throws Exception {
    Path rootfs = FixtureRootfs.create(tmp.resolve("a"));
    byte[] first = Files.readAllBytes(pack(rootfs, "1.aci", MTIME));
    byte[] second = Files.readAllBytes(pack(rootfs, "2.aci", MTIME));
    assertArrayEquals(first, second);
  }

  @Test
  void inputTimesOwnersUmaskAndNonExecutableModeBitsDoNotChangeTheBytes() throws Exception {
    byte[] reference = Files.readAllBytes(pack(FixtureRootfs.create(tmp.resolve("a")), "1.aci", MTIME));

    Path other = FixtureRootfs.create(tmp.resolve("b"));
    try (Stream<Path> all = Files.walk(other)) {
      for (Path p : all.toList()) {
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
        boolean exec = Files.isDirectory(p) || Files.getPosixFilePermissions(p).contains(
            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "rwxrwx---" : "rw-rw----"));
      }
    }
    assertArrayEquals(reference, Files.readAllBytes(pack(other, "2.aci", MTIME)));
  }

  @Test
  void contentExecutableBitAndTimeStampDoChangeTheBytes() throws Exception {
    Path rootfs = FixtureRootfs.create(tmp.resolve("a"));
    byte[] reference = Files.readAllBytes(pack(rootfs, "1.aci", MTIME));

    assertFalse(java.util.Arrays.equals(reference, Files.readAllBytes(pack(rootfs, "2.aci", MTIME.plusSeconds(1)))));

    Files.setPosixFilePermissions(rootfs.resolve("stage1-xen/guest/kernel"), PosixFilePermissions.fromString("rwxr-xr-x"));
    assertFalse(java.util.Arrays.equals(reference, Files.readAllBytes(pack(rootfs, "3.aci", MTIME))));

    Path fresh = FixtureRootfs.create(tmp.resolve("b"));
    Files.writeString(fresh.resolve("stage1-xen/guest/kernel"), "kernel byteS\n");
    assertFalse(java.util.Arrays.equals(reference, Files.readAllBytes(pack(fresh, "4.aci", MTIME))));
  }

  @Test
  void absoluteSymlinkIsRejectedAndNothingIsLeftBehind() throws Exception {
    Path rootfs = FixtureRootfs.create(tmp.resolve("a"));
    Files.createSymbolicLink(rootfs.resolve("etc-link"), Path.of("/etc"));
    Path out = tmp.resolve("out/x.aci");
    InvalidAciException e = assertThrows(InvalidAciException.class,
        () -> new AciPacker(MTIME).pack(FixtureRootfs.manifest(), rootfs, out));
    assertTrue(e.getMessage().contains("\"etc-link\" -> \"/etc\""), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertLeftNothing(tmp.resolve("out"));
  }

  @Test
  void symlinkClimbingOutOfTheRootfsIsRejected() throws Exception {
    Path rootfs = FixtureRootfs.create(tmp.resolve("a"));
    Files.createSymbolicLink(rootfs.resolve("stage1-xen/up"), Path.of("../../outside"));
    InvalidAciException e = assertThrows(InvalidAciException.class,
        () -> new AciPacker(MTIME).pack(FixtureRootfs.manifest(), rootfs, tmp.resolve("x.aci")));
    assertTrue(e.getMessage().contains("leaves the rootfs"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("x.aci")));
  }

  @Test
  void missingRootfsIsAOneLineError() {
    InvalidAciException e = assertThrows(InvalidAciException.class,
        () -> new AciPacker(MTIME).pack(FixtureRootfs.manifest(), tmp.resolve("nope"), tmp.resolve("x.aci")));
    assertEquals(tmp.resolve("nope") + ": not a directory", e.getMessage());
  }

  @Test
  void subSecondOrNegativeTimesAreRefused() {
    assertThrows(Stage1Failure.class, () -> new AciPacker(Instant.ofEpochSecond(1, 5)));
    assertThrows(Stage1Failure.class, () -> new AciPacker(Instant.ofEpochSecond(-1)));
  }

  private static void assertLeftNothing(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        assertEquals(List.of(), s.toList());
      }
    }
  }

  static List<TarArchiveEntry> rawEntries(Path aci) throws IOException {
    List<TarArchiveEntry> entries = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new GzipCompressorInputStream(Files.newInputStream(aci)), StandardCharsets.UTF_8.name())) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        entries.add(e);
      }
    }
    return entries;
  }
}
