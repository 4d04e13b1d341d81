package io.stage1xen.appc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stage1xen.json.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pod manifest rkt 1.30.0 wrote in our captures parses, and writing it back keeps its meaning. */
class FixtureManifestsTest {

  static Path fixtures() throws URISyntaxException {
    return Path.of(FixtureManifestsTest.class.getResource("/rkt-1.30.0/pod-manifests").toURI());
  }

  static Stream<Path> fixtureFiles() throws IOException, URISyntaxException {
    List<Path> files;
    try (Stream<Path> s = Files.list(fixtures())) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertEquals(11, files.size(), "fixture count");
    return files.stream();
  }

  static PodManifest fixture(String name) throws IOException, URISyntaxException {
    return AppcJson.readPodManifest(fixtures().resolve(name));
  }

  @ParameterizedTest
  @MethodSource("fixtureFiles")
  void parsesAndRoundTrips(Path file) throws IOException {
    PodManifest first = AppcJson.readPodManifest(file);
    String written = AppcJson.writePodManifest(first);
    PodManifest second = AppcJson.parsePodManifest(written, "rewritten " + file.getFileName());
    assertEquals(first, second, "records equal after a round trip");
    assertEquals(written, AppcJson.writePodManifest(second), "writing is stable");
    assertEquals(semantic(Files.readString(file)), semantic(written), "same JSON meaning as rkt's file");
    assertFalse(written.contains("\n"), "one line, like rkt");
  }

  /** rkt's file and ours compared as trees, with rkt's nulls and empty lists treated as absent (Go's view). */
  private static JsonNode semantic(String json) throws IOException {
    JsonNode tree = Json.mapper().readTree(json);
    strip(tree);
    return tree;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> absent = new ArrayList<>();
      object.properties().forEach(e -> {
        JsonNode v = e.getValue();
        if (v.isNull() || (v.isArray() && v.isEmpty()) || (v.isObject() && v.isEmpty())) {
          absent.add(e.getKey());
        } else {
          strip(v);
        }
      });
      object.remove(absent);
    } else if (node.isArray()) {
      node.forEach(FixtureManifestsTest::strip);
    }
  }

  @Test
  void oneApp() throws Exception {
    PodManifest m = fixture("one-app.json");
    assertEquals("1.30.0", m.acVersion().value());
    assertEquals(List.of(AcName.of("hello")), m.appNames());
    RuntimeApp hello = m.apps().get(0);
    assertEquals("example.com/hello", hello.image().name().orElseThrow().value());
    assertEquals("sha512-36dc1531c150db562d74d7d8392ea946e56ec0e81bba35d0334c28489bd9f804", hello.image().id().value());
    assertEquals(Map.of("version", "0.0.1", "os", "linux", "arch", "amd64"), hello.image().labels().toMap());
    App app = hello.app().orElseThrow();
    assertEquals(List.of("/bin/sh", "-c", "echo hello"), app.exec());
    assertEquals("0", app.user());
    assertEquals("/", app.effectiveWorkingDirectory());
    assertEquals("yes", app.environmentValue("FROM_IMAGE").orElseThrow());
    assertEquals(new MountPoint(AcName.of("data"), "/data", false), app.mountPoints().get(0));
    assertTrue(m.volumes().isEmpty(), "volumes:null is an empty list");
    assertTrue(m.isolators().isEmpty(), "isolators:null is an empty list");
    assertFalse(m.isMutable());
    assertEquals("false", m.annotations().get("coreos.com/rkt/stage1/mutable").orElseThrow());
  }

  @Test
  void execArgsUser() throws Exception {
    App app = fixture("exec-args-user.json").apps().get(0).app().orElseThrow();
    assertEquals(List.of(5L, 6L), app.supplementaryGIDs());
    assertEquals("/tmp", app.workingDirectory().orElseThrow());
    assertEquals("1000", app.group());
    assertEquals(List.of("CAP_NET_ADMIN"), app.isolators().last(CapabilitiesRetainSet.class).orElseThrow().set());
    SeccompRetainSet seccomp = app.isolators().last(SeccompRetainSet.class).orElseThrow();
    assertEquals(List.of("@rkt/default-whitelist"), seccomp.set());
    assertEquals("", seccomp.errno());
    assertEquals(Map.of("ua", "1"), app.userAnnotations());
    assertEquals(Map.of("ul", "2"), app.userLabels());
    assertTrue(fixture("exec-args-user.json").apps().get(0).readOnlyRootFS());
    assertEquals(AcName.of("custom"), fixture("exec-args-user.json").apps().get(0).name());
  }

  @Test
  void resources() throws Exception {
    Isolators isolators = fixture("resources.json").apps().get(0).app().orElseThrow().isolators();
    ResourceMemory memory = isolators.last(ResourceMemory.class).orElseThrow();
    assertEquals(128_000_000L, memory.limit().orElseThrow().bytes());
    assertEquals(128_000_000L, memory.effectiveRequest().orElseThrow().bytes());
    ResourceCpu cpu = isolators.last(ResourceCpu.class).orElseThrow();
    assertEquals(500L, cpu.limit().orElseThrow().millis());
    assertTrue(isolators.unknown().isEmpty());
  }

  @Test
  void podAnnotationsAndLinuxIsolators() throws Exception {
    RuntimeApp app = fixture("pod-annotations.json").apps().get(0);
    assertEquals("1", app.annotations().get("example.com/pa").orElseThrow());
    Isolators isolators = app.app().orElseThrow().isolators();
    assertEquals(2048, isolators.last(CpuShares.class).orElseThrow().value());
    assertEquals(100, isolators.last(OomScoreAdj.class).orElseThrow().value());
    assertEquals(List.of("CAP_MKNOD"), isolators.last(CapabilitiesRemoveSet.class).orElseThrow().set());
  }

  @Test
  void volumes() throws Exception {
    PodManifest m = fixture("volume-mount.json");
    Volume data = m.volume(AcName.of("data")).orElseThrow();
    assertEquals(VolumeKind.HOST, data.kind());
    assertEquals("/srv/pod-data", data.source().orElseThrow());
    assertTrue(data.isReadOnly());
    Volume scratch = m.volume(AcName.of("scratch")).orElseThrow();
    assertEquals(VolumeKind.EMPTY, scratch.kind());
    assertEquals(0755, scratch.effectiveMode());
    assertEquals(1L, scratch.effectiveUid());
    assertEquals(2L, scratch.effectiveGid());
    assertEquals(List.of(Mount.of("scratch", "/scratch")), m.apps().get(0).mounts());

    PodManifest shared = fixture("mounts.json");
    assertEquals(2, shared.apps().size());
    assertFalse(shared.volume(AcName.of("data")).orElseThrow().isReadOnly(), "readOnly unset means false");
  }

  @Test
  void mutableSandbox() throws Exception {
    PodManifest m = fixture("mutable-sandbox.json");
    assertTrue(m.apps().isEmpty());
    assertTrue(m.isMutable());
  }

  @Test
  void inheritEnvKeepsOrder() throws Exception {
    App app = fixture("inherit-env.json").apps().get(0).app().orElseThrow();
    assertEquals(List.of("FROM_IMAGE", "PATH", "HOME", "TERM", "LANG", "CALLER_VAR", "SOMEHOSTVAR"),
        app.environment().stream().map(EnvironmentVariable::name).toList());
  }
}
