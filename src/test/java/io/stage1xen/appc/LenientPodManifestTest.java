package io.stage1xen.appc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LenientPodManifestTest {
  @TempDir Path dir;

  @Test
  void readsWhatAStrictReaderRejects() throws Exception {
    String json = "{\"acVersion\":\"garbage\",\"apps\":[{\"name\":\"hello\",\"image\":{}},{\"NAME\":\"two\"},"
        + "{\"name\":\"../../etc\"},{\"name\":7},{}],\"Annotations\":[{\"name\":\"coreos.com/rkt/stage1/mutable\","
        + "\"value\":\"true\"},{\"name\":\"x\",\"value\":3}]}";
    Path pod = Files.writeString(dir.resolve("pod"), json);
    LenientPodManifest m = LenientPodManifest.read(pod);
    assertEquals(List.of(AcName.of("hello"), AcName.of("two")), m.appNames());
    assertTrue(m.isMutable());
    assertEquals(Map.of("coreos.com/rkt/stage1/mutable", "true", "x", ""), m.annotations());
    assertEquals(3, m.problems().size(), m.problems().toString());
    assertTrue(m.problems().get(0).contains("apps[2].name: not a valid app name, skipped: \"../../etc\""),
        m.problems().get(0));
  }

  @Test
  void neverThrows() throws Exception {
    LenientPodManifest missing = LenientPodManifest.read(dir.resolve("nope"));
    assertTrue(missing.appNames().isEmpty());
    assertEquals(List.of(dir.resolve("nope") + ": no such file"), missing.problems());

    LenientPodManifest broken = LenientPodManifest.read(Files.writeString(dir.resolve("pod"), "{\"apps\":[{"));
    assertTrue(broken.appNames().isEmpty());
    assertTrue(broken.problems().get(0).startsWith(dir.resolve("pod") + ": "), broken.problems().toString());

    LenientPodManifest wrongShape = LenientPodManifest.parse("[1,2]", "pod");
    assertTrue(wrongShape.appNames().isEmpty());
    assertFalse(wrongShape.isMutable());

    LenientPodManifest empty = LenientPodManifest.parse("", "pod");
    assertEquals(List.of("pod: $: the file holds no JSON document"), empty.problems());
  }

  @Test
  void fixtures() throws Exception {
    Path dirOfFixtures = FixtureManifestsTest.fixtures();
    LenientPodManifest two = LenientPodManifest.read(dirOfFixtures.resolve("two-apps-exit5.json"));
    assertEquals(List.of(AcName.of("hello"), AcName.of("hello2")), two.appNames());
    assertTrue(two.problems().isEmpty());
    assertTrue(LenientPodManifest.read(dirOfFixtures.resolve("mutable-sandbox.json")).isMutable());
  }
}
