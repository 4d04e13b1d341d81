package io.stage1xen.appc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppcJsonTest {
  @TempDir Path dir;

  @Test
  void keysInAnyLetterCase() throws Exception {
    String json = """
        {"ACVERSION":"1.30.0","AcKind":"PodManifest","APPS":[{"NAME":"hello","Image":{"ID":"sha512-aa",
        "labels":[{"NAME":"os","VALUE":"linux"}]},"APP":{"Exec":["/bin/true"],"USER":"0","group":"0",
        "supplementaryGids":[7],"WORKINGDIRECTORY":"/w","Environment":[{"Name":"A","Value":"b"}],
        "MOUNTPOINTS":[{"name":"d","PATH":"/d","READONLY":true}]},"ReadOnlyRootFs":true,
        "Mounts":[{"VOLUME":"d","Path":"/d"}]}],"Volumes":[{"NAME":"d","KIND":"empty","MODE":"0700","UID":3}],
        "Annotations":[],"Ports":[],"USERANNOTATIONS":{"k":"v"}}
        """;
    PodManifest m = AppcJson.parsePodManifest(json, "pod");
    RuntimeApp app = m.apps().get(0);
    App a = app.app().orElseThrow();
    assertEquals(List.of(7L), a.supplementaryGIDs(), "spec spelling supplementaryGids");
    assertEquals(Optional.of("/w"), a.workingDirectory());
    assertEquals("b", a.environmentValue("A").orElseThrow());
    assertTrue(a.mountPoints().get(0).readOnly());
    assertTrue(app.readOnlyRootFS());
    assertEquals(Optional.of("linux"), app.image().labels().get("os"));
    assertEquals(0700, m.volumes().get(0).effectiveMode());
    assertEquals(3L, m.volumes().get(0).effectiveUid());
    assertEquals(Map.of("k", "v"), m.userAnnotations());
    String written = AppcJson.writePodManifest(m);
    assertTrue(written.startsWith("{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":\"hello\""),
        "written back with the schema's spelling: " + written);
  }

  @Test
  void nullsAreEmptyAndUnknownFieldsAreIgnored() throws Exception {
    String json = "{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":\"a\","
        + "\"image\":{\"id\":\"sha512-aa\",\"labels\":null,\"future\":{\"x\":1}},\"app\":{\"exec\":null,\"user\":\"0\","
        + "\"group\":\"0\",\"environment\":null,\"eventHandlers\":null,\"mountPoints\":null,\"ports\":null,"
        + "\"isolators\":null,\"userAnnotations\":null,\"supplementaryGIDs\":null,\"workingDirectory\":null},"
        + "\"mounts\":null,\"annotations\":null,\"newField\":[1,2,3]}],\"volumes\":null,\"isolators\":null,"
        + "\"annotations\":null,\"ports\":null,\"userLabels\":null,\"somethingElse\":\"x\"}";
    PodManifest m = AppcJson.parsePodManifest(json, "pod");
    App a = m.apps().get(0).app().orElseThrow();
    assertTrue(a.exec().isEmpty());
    assertTrue(a.environment().isEmpty());
    assertTrue(a.isolators().isEmpty());
    assertEquals(Optional.empty(), a.workingDirectory());
    assertTrue(m.apps().get(0).mounts().isEmpty());
    assertTrue(m.ports().isEmpty());
    assertEquals("{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":\"a\",\"image\":"
        + "{\"id\":\"sha512-aa\"},\"app\":{\"exec\":[],\"user\":\"0\",\"group\":\"0\"}}],\"volumes\":[],"
        + "\"isolators\":[],\"annotations\":[],\"ports\":[]}", AppcJson.writePodManifest(m));
  }

  @Test
  void positionsOnLaterLines() {
    String json = """
        {
          "acVersion": "1.30.0",
          "acKind": "PodManifest",
          "apps": [
            {
              "name": "ok",
              "image": {"id": "sha512-aa"}
            },
            {
              "name": "Not_OK",
              "image": {"id": "sha512-aa"}
            }
          ]
        }
        """;
    InvalidManifestException e = assertThrows(InvalidManifestException.class,
        () -> AppcJson.parsePodManifest(json, "/pods/run/x/pod"));
    assertEquals("/pods/run/x/pod: apps[1].name (line 10, column 15): invalid AC Name (lower-case letters and "
        + "digits, groups joined by '-'): \"Not_OK\"", e.getMessage());
    assertEquals(10, e.line());
    assertEquals(15, e.column());
    assertEquals("apps[1].name", e.jsonPath());
    assertEquals("\"Not_OK\"", e.renderedValue());
  }

  @Test
  void syntaxErrorsNameThePlace() {
    InvalidManifestException e = assertThrows(InvalidManifestException.class,
        () -> AppcJson.parsePodManifest("{\"acVersion\":\"1.30.0\",\n \"apps\": [{\"name\" 1}]}", "pod"));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().startsWith("pod: apps[0] (line 2, column 19): invalid JSON: Unexpected character "),
        e.getMessage());
    assertFalse(e.getMessage().contains("Source"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " \n ", "[]", "\"pod\"", "null", "true", "{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\"} x",
      "{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\"} {}"})
  void notAPodManifest(String json) {
    InvalidManifestException e = assertThrows(InvalidManifestException.class,
        () -> AppcJson.parsePodManifest(json, "pod"));
    assertTrue(e.getMessage().startsWith("pod: $"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void hostileValuesStayOnOneLineAndShort() {
    String evil = "x\\n\\r\\u001b[2J\\u2028" + "y".repeat(1000);
    InvalidManifestException e = assertThrows(InvalidManifestException.class,
        () -> PodJson.parse(PodJson.pod("{\"name\":\"" + evil + "\",\"image\":{\"id\":\"sha512-aa\"}}", "null")));
    assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r") || e.getMessage().contains("\u001b")
        || e.getMessage().contains("\u2028"), e.getMessage());
    assertTrue(e.getMessage().contains("\"x\\n\\r\\u001b[2J\\u2028yyy"), e.getMessage());
    assertTrue(e.getMessage().length() < 400, e.getMessage());
  }

  @Test
  void nestingIsBounded() {
    String deep = "{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
    InvalidManifestException e = assertThrows(InvalidManifestException.class,
        () -> AppcJson.parsePodManifest(deep, "pod"));
    assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
  }

  @Test
  void files() throws Exception {
    Path pod = dir.resolve("pod");
    NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> AppcJson.readPodManifest(pod));
    assertEquals(pod + ": no such file", missing.getMessage());

    String json = "{\"acVersion\":\"1.30.0\",\"acKind\":\"ImageManifest\"}";
    Files.writeString(pod, json);
    InvalidManifestException wrongKind = assertThrows(InvalidManifestException.class,
        () -> AppcJson.readPodManifest(pod));
    assertEquals(pod + ": acKind (line 1, column " + (json.indexOf("\"ImageManifest\"") + 1)
        + "): must be PodManifest: \"ImageManifest\"", wrongKind.getMessage());
    assertEquals(pod.toString(), wrongKind.file());

    Path big = dir.resolve("big");
    try (var out = Files.newOutputStream(big)) {
      out.write(new byte[(int) AppcJson.MAX_FILE_BYTES + 1]);
    }
    IOException tooBig = assertThrows(IOException.class, () -> AppcJson.readImageManifest(big));
    assertTrue(tooBig.getMessage().startsWith(big + ": too large"), tooBig.getMessage());
  }

  @Test
  void unreadableFile() throws Exception {
    Path pod = Files.writeString(dir.resolve("pod"), "{}");
    pod.toFile().setReadable(false);
    try {
      if (Files.isReadable(pod)) {
        return; // running as root: permissions are not enforced
      }
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> AppcJson.readPodManifest(pod));
      assertEquals(pod + ": permission denied", e.getMessage());
    } finally {
      pod.toFile().setReadable(true);
    }
  }

  @Test
  void imageManifests() throws Exception {
    String json = """
        {"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/reduce-worker",
         "labels":[{"name":"version","value":"1.0.0"},{"name":"arch","value":"amd64"},{"name":"os","value":"linux"}],
         "app":{"exec":["/usr/bin/reduce-worker","--quiet"],"user":"100","group":"300","supplementaryGIDs":[400,500],
           "eventHandlers":[{"name":"pre-start","exec":["/usr/bin/data-downloader"]},
                            {"name":"post-stop","exec":["/usr/bin/deregister-worker","--verbose"]}],
           "workingDirectory":"/opt/work","environment":[{"name":"REDUCE_WORKER_DEBUG","value":"true"}],
           "isolators":[{"name":"resource/cpu","value":{"request":"250m","limit":"500m"}},
                        {"name":"resource/memory","value":{"request":"1G","limit":"2G"}},
                        {"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_NET_BIND_SERVICE"]}}],
           "mountPoints":[{"name":"work","path":"/var/lib/work","readOnly":false}],
           "ports":[{"name":"health","port":4000,"protocol":"tcp","socketActivated":true},
                    {"name":"ftp-data","port":20000,"count":1000,"protocol":"tcp"}]},
         "annotations":[{"name":"created","value":"2014-10-27T19:32:27.67021798Z"}],
         "dependencies":[{"imageName":"example.com/base","imageID":"sha512-ab","labels":[{"name":"os","value":"linux"}],
           "size":123}],
         "pathWhitelist":["/usr/bin/reduce-worker"]}
        """;
    ImageManifest m = AppcJson.parseImageManifest(json, "manifest");
    assertEquals("example.com/reduce-worker", m.name().value());
    assertEquals(Optional.of("amd64"), m.label("arch"));
    App app = m.app().orElseThrow();
    assertEquals(List.of("/usr/bin/data-downloader"), app.eventHandlers(EventHandler.PRE_START).get(0).exec());
    assertEquals(1000, app.ports().get(1).count());
    assertEquals(Optional.of(123L), m.dependencies().get(0).size());
    assertEquals("sha512-ab", m.dependencies().get(0).imageID().orElseThrow().value());
    assertEquals(m, AppcJson.parseImageManifest(AppcJson.writeImageManifest(m), "again"));
  }

  @Test
  void stage1StyleImageManifest() throws Exception {
    ImageManifest m = ImageManifest.of("0.8.11", "stage1-xen.io/stage1-xen", Labels.EMPTY, Optional.empty(),
        Annotations.EMPTY.with("coreos.com/rkt/stage1/run", "/run")
            .with("coreos.com/rkt/stage1/interface-version", "5"));
    String written = AppcJson.writeImageManifest(m);
    assertEquals("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"stage1-xen.io/stage1-xen\","
        + "\"annotations\":[{\"name\":\"coreos.com/rkt/stage1/run\",\"value\":\"/run\"},"
        + "{\"name\":\"coreos.com/rkt/stage1/interface-version\",\"value\":\"5\"}]}", written);
    assertEquals(Optional.of("5"), AppcJson.parseImageManifest(written, "m").annotation(
        "coreos.com/rkt/stage1/interface-version"));
  }

  @Test
  void imageManifestRules() {
    String json = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"x\",\"pathWhitelist\":[\"bin/sh\"]}";
    InvalidManifestException e = assertThrows(InvalidManifestException.class,
        () -> AppcJson.parseImageManifest(json, "m"));
    assertEquals("m: pathWhitelist[0] (line 1, column " + (json.indexOf("\"bin/sh\"") + 1)
        + "): must be an absolute path: \"bin/sh\"", e.getMessage());
    e = assertThrows(InvalidManifestException.class, () -> AppcJson.parseImageManifest(
        "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\"}", "m"));
    assertEquals("m: name (line 1, column 1): is required", e.getMessage());
  }
}
