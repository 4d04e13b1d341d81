package io.stage1xen.aci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AciVerifierTest {
  private static final String MANIFEST = manifest("""
      {"name":"coreos.com/rkt/stage1/run","value":"/run"},
      {"name":"coreos.com/rkt/stage1/enter","value":"/enter"},
      {"name":"coreos.com/rkt/stage1/gc","value":"/gc"},
      {"name":"coreos.com/rkt/stage1/stop","value":"/stop"},
      {"name":"coreos.com/rkt/stage1/interface-version","value":"5"}""", "1.0.0");

  @TempDir Path tmp;

  private static String manifest(String annotations, String version) {
    return "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/s1\",\"labels\":["
        + "{\"name\":\"version\",\"value\":\"" + version + "\"},{\"name\":\"os\",\"value\":\"linux\"}],"
        + "\"annotations\":[" + annotations + "]}";
  }

  private static String withAnnotation(String extra) {
    return MANIFEST.replace("\"annotations\":[", "\"annotations\":[" + extra + ",");
  }

  @Test
  void packedFixtureVerifiesAndResolvesEveryEntrypoint() throws Exception {
    Path aci = tmp.resolve("ok.aci");
    new AciPacker(Instant.EPOCH).pack(FixtureRootfs.manifest(), FixtureRootfs.create(tmp), aci);
    VerifiedAci v = new AciVerifier().verify(aci, List.of("stage1-xen/guest/kernel", "stage1-xen/guest/initrd"));
    assertEquals(Map.of(
        "coreos.com/rkt/stage1/run", FixtureRootfs.EXECUTABLE,
        "coreos.com/rkt/stage1/enter", FixtureRootfs.EXECUTABLE,
        "coreos.com/rkt/stage1/gc", FixtureRootfs.EXECUTABLE,
        "coreos.com/rkt/stage1/stop", FixtureRootfs.EXECUTABLE), v.entrypoints());
    assertEquals("1.2.3", v.manifest().labels().get("version"));
  }

  @Test
  void handMadeValidAciVerifies() throws Exception {
    VerifiedAci v = new AciVerifier().verify(TarBuilder.valid(MANIFEST).writeGzip(tmp.resolve("v.aci")), List.of());
    assertEquals(13, v.entries().size());
  }

  static Stream<Arguments> broken() {
    return Stream.of(
        Arguments.of("missing rkt/status", (UnaryOperator<TarBuilder>) b -> b.without("rootfs/rkt/status/"),
            "rootfs/rkt/status/ is missing"),
        Arguments.of("missing opt/stage2", (UnaryOperator<TarBuilder>) b -> b.without("rootfs/opt/stage2/"),
            "rootfs/opt/stage2/ is missing"),
        Arguments.of("file in rkt/status", (UnaryOperator<TarBuilder>) b -> b.file("rootfs/rkt/status/app", 0644, "0"),
            "must be empty in the image"),
        Arguments.of("third top-level entry", (UnaryOperator<TarBuilder>) b -> b.file("extra", 0644, ""),
            "top-level entry \"extra\""),
        Arguments.of("duplicate entry", (UnaryOperator<TarBuilder>) b -> b.dir("rootfs/opt/"),
            "duplicate entry \"rootfs/opt/\""),
        Arguments.of("second manifest", (UnaryOperator<TarBuilder>) b -> b.file("manifest", 0644, MANIFEST),
            "\"manifest\" must be the first entry"),
        Arguments.of("no manifest", (UnaryOperator<TarBuilder>) b -> b.without("manifest"), ": no manifest entry"),
        Arguments.of("child before parent", (UnaryOperator<TarBuilder>) b -> b.file("rootfs/usr/bin/x", 0755, ""),
            "comes before its parent directory"),
        Arguments.of("dot-dot name", (UnaryOperator<TarBuilder>) b -> b.file("rootfs/../x", 0644, ""),
            "is not a normalised relative path"),
        Arguments.of("absolute name", (UnaryOperator<TarBuilder>) b -> b.file("/rootfs/x", 0644, ""),
            "is not a normalised relative path"),
        Arguments.of("not owned by root", (UnaryOperator<TarBuilder>) b -> b.entry("rootfs/y", TarConstants.LF_NORMAL,
            0644, 1000), "owned by 1000/0"),
        Arguments.of("world-writable", (UnaryOperator<TarBuilder>) b -> b.file("rootfs/w", 0666, ""),
            "has mode 0666"),
        Arguments.of("setuid", (UnaryOperator<TarBuilder>) b -> b.file("rootfs/s", 04755, ""), "has mode 4755"),
        Arguments.of("hard link", (UnaryOperator<TarBuilder>) b -> b.entry("rootfs/h", TarConstants.LF_LINK, 0644, 0),
            "is not a directory, regular file or symlink"),
        Arguments.of("fifo", (UnaryOperator<TarBuilder>) b -> b.entry("rootfs/f", TarConstants.LF_FIFO, 0644, 0),
            "is not a directory, regular file or symlink"),
        Arguments.of("absolute symlink", (UnaryOperator<TarBuilder>) b -> b.link("rootfs/etc", "/etc"),
            "symlink \"rootfs/etc\" -> \"/etc\" is absolute"),
        Arguments.of("escaping symlink", (UnaryOperator<TarBuilder>) b -> b.link("rootfs/up", "../../x"),
            "leaves the rootfs"),
        Arguments.of("entrypoint not executable", (UnaryOperator<TarBuilder>) b -> b.replaceFile(
            "rootfs/stage1-xen/bin/stage1-xen", 0644, ""), "which is not executable (mode 0644)"),
        Arguments.of("entrypoint dangling", (UnaryOperator<TarBuilder>) b -> b.replaceLink("rootfs/run", "nowhere"),
            "resolves to \"nowhere\", which is not in the rootfs"),
        Arguments.of("entrypoint via absolute link", (UnaryOperator<TarBuilder>) b -> b.replaceLink("rootfs/run",
            "/usr/bin/true"), "goes through absolute symlink \"run\" -> \"/usr/bin/true\""),
        Arguments.of("entrypoint is a directory", (UnaryOperator<TarBuilder>) b -> b.replaceLink("rootfs/gc",
            "stage1-xen/bin"), "not a regular file"),
        Arguments.of("symlink loop", (UnaryOperator<TarBuilder>) b -> b.replaceLink("rootfs/stop", "stop"),
            "more than 40 symlinks"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("broken")
  void brokenArchivesAreRejectedWithOneLine(String what, UnaryOperator<TarBuilder> breakIt, String expected)
      throws Exception {
    Path aci = breakIt.apply(TarBuilder.valid(MANIFEST)).writeGzip(tmp.resolve("bad.aci"));
    InvalidAciException e = assertThrows(InvalidAciException.class, () -> new AciVerifier().verify(aci, List.of()));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith(aci.toString()), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  static Stream<Arguments> brokenManifests() {
    return Stream.of(
        Arguments.of("not JSON", "{\"acKind\":", "not valid JSON"),
        Arguments.of("wrong kind", MANIFEST.replace("\"ImageManifest\"", "\"PodManifest\""),
            "field \"acKind\": expected \"ImageManifest\", got \"PodManifest\""),
        Arguments.of("template placeholder left", manifest("", "@VERSION@").replace("\"annotations\":[]",
            "\"annotations\":[]"), "label \"version\" must be a SemVer version, got \"@VERSION@\""),
        Arguments.of("no interface version", MANIFEST.replace(
            ",\n{\"name\":\"coreos.com/rkt/stage1/interface-version\",\"value\":\"5\"}", ""), "interface-version"),
        Arguments.of("interface version not a number", MANIFEST.replace("\"value\":\"5\"", "\"value\":\"five\""),
            "must be a positive integer, got \"five\""),
        Arguments.of("no stop entrypoint", MANIFEST.replace("{\"name\":\"coreos.com/rkt/stage1/stop\",\"value\":\"/stop\"},",
            ""), "annotation \"coreos.com/rkt/stage1/stop\" is missing"),
        Arguments.of("entrypoint path relative", MANIFEST.replace("\"value\":\"/gc\"", "\"value\":\"gc\""),
            "must be an absolute path inside the rootfs"),
        Arguments.of("entrypoint path climbing", MANIFEST.replace("\"value\":\"/gc\"", "\"value\":\"/../gc\""),
            "must be an absolute path inside the rootfs"),
        Arguments.of("half the mutable trio", withAnnotation(
            "{\"name\":\"coreos.com/rkt/stage1/app/rm\",\"value\":\"/run\"}"), "must be all present or all absent"),
        Arguments.of("unknown entrypoint missing", withAnnotation(
            "{\"name\":\"coreos.com/rkt/stage1/attach\",\"value\":\"/attach\"}"),
            "entrypoint coreos.com/rkt/stage1/attach=\"/attach\" resolves to \"attach\", which is not in the rootfs"),
        Arguments.of("os not linux", MANIFEST.replace("\"linux\"", "\"freebsd\""),
            "label \"os\" must be \"linux\", got \"freebsd\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenManifests")
  void brokenManifestsAreRejectedWithOneLine(String what, String manifest, String expected) throws Exception {
    Path aci = TarBuilder.valid(manifest).writeGzip(tmp.resolve("bad.aci"));
    InvalidAciException e = assertThrows(InvalidAciException.class, () -> new AciVerifier().verify(aci, List.of()));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void uncompressedTarIsRejected() throws Exception {
    Path aci = TarBuilder.valid(MANIFEST).writePlain(tmp.resolve("plain.aci"));
    InvalidAciException e = assertThrows(InvalidAciException.class, () -> new AciVerifier().verify(aci, List.of()));
    assertEquals(aci + ": not gzip-compressed", e.getMessage());
  }

  @Test
  void missingRequiredFileIsReported() throws Exception {
    Path aci = TarBuilder.valid(MANIFEST).writeGzip(tmp.resolve("v.aci"));
    InvalidAciException e = assertThrows(InvalidAciException.class,
        () -> new AciVerifier().verify(aci, List.of("stage1-xen/guest/kernel")));
    assertTrue(e.getMessage().contains("required file \"stage1-xen/guest/kernel\" resolves to"), e.getMessage());
  }
}
