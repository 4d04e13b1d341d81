package io.stage1xen.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.InvalidManifestException;
import io.stage1xen.appc.LenientPodManifest;
import io.stage1xen.appc.Stage1Interface;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodLoaderTest {
  static final String APP_MANIFEST = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/%s\","
      + "\"labels\":[{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"amd64\"}],"
      + "\"app\":{\"exec\":[\"/bin/sh\"],\"user\":\"0\",\"group\":\"0\"}}";
  static final String STAGE1_MANIFEST = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":"
      + "\"stage1-xen.io/stage1\",\"annotations\":[{\"name\":\"coreos.com/rkt/stage1/run\",\"value\":\"/run\"},"
      + "{\"name\":\"coreos.com/rkt/stage1/interface-version\",\"value\":\"5\"}]}";

  @TempDir Path tmp;
  PodLayout layout;

  @BeforeEach
  void pod() throws Exception {
    layout = PodLayout.of(tmp.resolve("pods/run/f31ac7c7-0f1b-4b6c-a0ab-3b9c1bb0d4a2"));
    Files.createDirectories(layout.root());
    Files.copy(Path.of(getClass().getResource("/rkt-1.30.0/pod-manifests/two-apps-exit5.json").toURI()),
        layout.podManifest());
    for (String app : List.of("hello", "hello2")) {
      write(layout.appManifest(AcName.of(app)), String.format(APP_MANIFEST, app));
      write(layout.appsInfoManifest(AcName.of(app)), String.format(APP_MANIFEST, app));
    }
    write(layout.stage1Manifest(), STAGE1_MANIFEST);
  }

  static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void loadsManifestAndImages() throws Exception {
    Pod pod = PodLoader.load(layout);
    assertEquals(List.of(AcName.of("hello"), AcName.of("hello2")), pod.manifest().appNames());
    assertEquals("example.com/hello2", pod.image(AcName.of("hello2")).name().value());
    assertEquals(layout, pod.layout());
    assertEquals(5, Stage1Interface.versionOf(PodLoader.stage1Manifest(layout)));
  }

  @Test
  void fallsBackToAppsInfo() throws Exception {
    Files.delete(layout.appManifest(AcName.of("hello")));
    assertEquals("example.com/hello", PodLoader.load(layout).image(AcName.of("hello")).name().value());
  }

  @Test
  void missingImageManifestNamesBothPlaces() throws Exception {
    Files.delete(layout.appManifest(AcName.of("hello2")));
    Files.delete(layout.appsInfoManifest(AcName.of("hello2")));
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PodLoader.load(layout));
    assertEquals(layout.appManifest(AcName.of("hello2")) + ": no image manifest for app hello2 (nor at "
        + layout.appsInfoManifest(AcName.of("hello2")) + ")", e.getMessage());
  }

  @Test
  void invalidImageManifestNamesItsFile() throws Exception {
    write(layout.appManifest(AcName.of("hello")), "{\"acKind\":\"ImageManifest\"}");
    InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> PodLoader.load(layout));
    assertEquals(layout.appManifest(AcName.of("hello")).toString(), e.file());
    assertTrue(e.getMessage().startsWith(layout.appManifest(AcName.of("hello")) + ": acVersion"), e.getMessage());
  }

  @Test
  void invalidPodManifestNamesThePodFile() throws Exception {
    Files.writeString(layout.podManifest(), Files.readString(layout.podManifest()).replace("\"hello2\"", "\"Hello2\""));
    InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> PodLoader.load(layout));
    assertEquals(layout.podManifest().toString(), e.file());
    assertEquals("apps[1].name", e.jsonPath());
  }

  @Test
  void lenientLoadingSurvivesWhatStrictLoadingRejects() throws Exception {
    Files.writeString(layout.podManifest(), Files.readString(layout.podManifest()).replace("\"1.30.0\"", "\"x\""));
    assertThrows(InvalidManifestException.class, () -> PodLoader.load(layout));
    LenientPodManifest lenient = PodLoader.loadLenient(layout);
    assertEquals(List.of(AcName.of("hello"), AcName.of("hello2")), lenient.appNames());
    Files.delete(layout.podManifest());
    assertTrue(PodLoader.loadLenient(layout).appNames().isEmpty());
  }
}
