package io.stage1xen.appc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The schema's rules, each through the JSON a manifest would carry and the message that results. */
class ManifestRulesTest {

  private static String error(String json) {
    InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> PodJson.parse(json));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  /**
   * Asserts the whole message; the column is where {@code marker} (the offending value, or the object missing a
   * field) starts in the JSON text, so the expectation cannot drift from the document.
   */
  private static void assertError(String json, String path, String marker, String problem) {
    int column = json.indexOf(marker) + 1;
    assertTrue(column > 0, "marker in the document: " + marker);
    assertEquals(json.lastIndexOf(marker), column - 1, "marker is unique: " + marker);
    assertEquals("pod: " + path + " (line 1, column " + column + "): " + problem, error(json));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      "exec":["/bin/sh"],"user":"","group":"0"     | apps[0].app.user                 | ""                  | is required
      "exec":["/bin/sh"],"group":"0"               | apps[0].app.user                 | {"exec"             | is required
      $,"workingDirectory":"tmp"                   | apps[0].app.workingDirectory     | "tmp"               | must be an absolute path: "tmp"
      $,"workingDirectory":"/a/../etc"             | apps[0].app.workingDirectory     | "/a/../etc"         | must not contain '..' segments: "/a/../etc"
      $,"environment":[{"name":"A","value":"1"},{"name":"A","value":"2"}] | apps[0].app.environment[1].name | "A","value":"2" | duplicate environment variable: "A"
      $,"eventHandlers":[{"name":"pre-boot","exec":["/x"]}] | apps[0].app.eventHandlers[0].name | "pre-boot" | unknown event handler (pre-start or post-stop): "pre-boot"
      $,"eventHandlers":[{"name":"pre-start","exec":[]}] | apps[0].app.eventHandlers[0].exec | []}]}      | an event handler needs a command
      $,"eventHandlers":[{"name":"pre-start","exec":["/a"]},{"name":"pre-start","exec":["/b"]}] | apps[0].app.eventHandlers[1].name | "pre-start","exec":["/b"] | only one handler of each kind is allowed: "pre-start"
      $,"mountPoints":[{"name":"data","path":"data"}] | apps[0].app.mountPoints[0].path | "data"}            | must be an absolute path: "data"
      $,"mountPoints":[{"name":"Data","path":"/data"}] | apps[0].app.mountPoints[0].name | "Data"            | invalid AC Name (lower-case letters and digits, groups joined by '-'): "Data"
      $,"supplementaryGIDs":[-1]                   | apps[0].app.supplementaryGIDs[0] | -1                  | must be in the range 0-4294967294: -1
      $,"supplementaryGIDs":["5"]                  | apps[0].app.supplementaryGIDs[0] | "5"                 | expected an integer, found a string: "5"
      $,"ports":[{"name":"http","protocol":"tcp","port":0}] | apps[0].app.ports[0].port | 0}]                | must be in the range 1-65535: 0
      $,"ports":[{"name":"http","protocol":"tcp","port":65535,"count":2}] | apps[0].app.ports[0].count | 2}] | the port range ends above 65535: 2
      "exec":"/bin/sh","user":"0","group":"0"      | apps[0].app.exec                 | "/bin/sh"           | expected an array, found a string: "/bin/sh"
      $,"userLabels":{"a":1}                       | apps[0].app.userLabels.a         | 1}                  | expected a string, found a number: 1
      "exec":["/bin/sh"],"user":7,"group":"0"  | apps[0].app.user                 | 7,"group"           | expected a string, found a number: 7
      """)
  void appRules(String body, String path, String marker, String problem) {
    assertError(PodJson.withAppBody(body.replace("$", PodJson.APP_BASE)), path, marker, problem);
  }

  @Test
  void nulInExec() {
    String json = PodJson.withAppBody("\"exec\":[\"/bin/sh\",\"a\\u0000b\"],\"user\":\"0\",\"group\":\"0\"");
    assertError(json, "apps[0].app.exec[1]", "\"a\\u0000b\"", "must not contain a NUL character: \"a\\u0000b\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      [{"name":"v","kind":"host"}]                              | volumes[0].source | {"name":"v"                 | a host volume needs a source
      [{"name":"v","kind":"host","source":"x"}]                 | volumes[0].source | "x"                         | must be an absolute path: "x"
      [{"name":"v","kind":"host","source":"/x","mode":"0700"}]  | volumes[0].mode   | "0700"                      | a host volume takes no mode: "0700"
      [{"name":"v","kind":"host","source":"/x","uid":1}]        | volumes[0].uid    | 1}                          | a host volume takes no uid: 1
      [{"name":"v","kind":"empty","source":"/x"}]               | volumes[0].source | "/x"                        | an empty volume takes no source: "/x"
      [{"name":"v","kind":"empty","mode":"0999"}]               | volumes[0].mode   | "0999"                      | must be an octal permission such as 0755: "0999"
      [{"name":"v","kind":"empty","mode":"17777"}]              | volumes[0].mode   | "17777"                     | must be at most 07777: "17777"
      [{"name":"v","kind":"empty","gid":-5}]                    | volumes[0].gid    | -5                          | must be in the range 0-4294967294: -5
      [{"name":"v","kind":"bind","source":"/x"}]                | volumes[0].kind   | "bind"                      | unknown volume kind (host or empty): "bind"
      [{"name":"v","kind":"empty"},{"name":"w","kind":"empty","readOnly":"yes"}] | volumes[1].readOnly | "yes" | expected true or false, found a string: "yes"
      [{"name":"v","kind":"empty"},{"name":"v","kind":"host","source":"/"}] | volumes[1].name | "v","kind":"host" | duplicate volume name: "v"
      [{"kind":"empty"}]                                        | volumes[0].name   | {"kind"                     | is required
      """)
  void volumeRules(String volumes, String path, String marker, String problem) {
    assertError(PodJson.withVolumes(volumes), path, marker, problem);
  }

  @Test
  void emptyVolumeDefaultsApplyWithoutBeingWritten() throws Exception {
    PodManifest m = PodJson.parse(PodJson.withVolumes("[{\"name\":\"v\",\"kind\":\"empty\"}]"));
    Volume v = m.volumes().get(0);
    assertEquals(Optional.empty(), v.mode());
    assertEquals(0755, v.effectiveMode());
    assertEquals(0L, v.effectiveUid());
    assertEquals(0L, v.effectiveGid());
    assertFalse(v.isReadOnly());
    assertFalse(AppcJson.writePodManifest(m).contains("\"mode\""));
  }

  @Test
  void hostVolumeKeepsRecursiveAndReadOnly() throws Exception {
    Volume v = PodJson.parse(PodJson.withVolumes(
        "[{\"name\":\"v\",\"kind\":\"host\",\"source\":\"/srv\",\"readOnly\":true,\"recursive\":false}]"))
        .volumes().get(0);
    assertEquals(Optional.of(false), v.recursive());
    assertTrue(v.isReadOnly());
  }

  @Test
  void duplicateApps() {
    String app = "{\"name\":\"a\",\"image\":{\"id\":\"sha512-aa\"}}";
    String json = PodJson.pod(app + "," + app.replace("\"a\"", "\"a\" "), "null");
    assertError(json, "apps[1].name", "\"a\" ", "duplicate app name: \"a\"");
  }

  @Test
  void mountMustNameAVolumeUnlessItCarriesOne() throws Exception {
    String mount = "{\"name\":\"a\",\"image\":{\"id\":\"sha512-aa\"},\"mounts\":[{\"volume\":\"data\",\"path\":\"/d\"}]}";
    assertError(PodJson.pod(mount, "null"), "apps[0].mounts[0].volume", "\"data\"",
        "names no volume of the pod: \"data\"");
    PodJson.parse(PodJson.pod(mount, "[{\"name\":\"data\",\"kind\":\"empty\"}]"));
    PodManifest inline = PodJson.parse(PodJson.pod("{\"name\":\"a\",\"image\":{\"id\":\"sha512-aa\"},"
        + "\"mounts\":[{\"volume\":\"data\",\"path\":\"/d\",\"appVolume\":{\"name\":\"data\",\"kind\":\"empty\"}}]}",
        "null"));
    assertEquals(VolumeKind.EMPTY, inline.apps().get(0).mounts().get(0).appVolume().orElseThrow().kind());
  }

  @Test
  void mountPointWithoutVolumeIsLegal() throws Exception {
    PodManifest m = PodJson.parse(PodJson.withApp(",\"mountPoints\":[{\"name\":\"data\",\"path\":\"/data\"}]"));
    assertTrue(m.volumes().isEmpty());
    assertEquals("data", m.apps().get(0).app().orElseThrow().mountPoints().get(0).name().value());
  }

  @Test
  void runtimeImageNeedsAnId() {
    assertError(PodJson.pod("{\"name\":\"a\",\"image\":{\"name\":\"example.com/a\"}}", "null"), "apps[0].image.id",
        "{\"name\":\"example.com/a\"", "is required");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      [{"name":"name","value":"x"}]                           | 'name' is not allowed as a label name: "name"
      [{"name":"os","value":"linux"},{"name":"os","value":"linux"}] | duplicate label name: "os"
      [{"name":"os","value":"plan9"}]                         | unknown os (linux, freebsd or darwin): "plan9"
      [{"name":"os","value":"linux"},{"name":"arch","value":"x86_64"}] | arch not valid for os linux: "x86_64"
      """)
  void labelRules(String labels, String problem) {
    String json = PodJson.pod("{\"name\":\"a\",\"image\":{\"id\":\"sha512-aa\",\"labels\":" + labels + "}}", "null");
    assertTrue(error(json).endsWith(problem), error(json));
  }

  @Test
  void labelLookups() {
    Labels labels = Labels.of(List.of(Label.of("os", "darwin"), Label.of("arch", "x86_64")));
    assertEquals(Optional.of("darwin"), labels.get("os"));
    assertEquals(Optional.empty(), labels.get("version"));
    assertEquals(Map.of("os", "darwin", "arch", "x86_64"), labels.toMap());
  }

  @Test
  void annotationLookupsAndReplacement() {
    Annotations a = Annotations.EMPTY.with("example.com/x", "1").with("example.com/y", "2").with("example.com/x", "3");
    assertEquals(List.of("example.com/x", "example.com/y"), a.list().stream().map(n -> n.name().value()).toList());
    assertEquals(Optional.of("3"), a.get("example.com/x"));
    assertThrows(InvalidValueException.class,
        () -> Annotations.of(List.of(Annotation.of("a", "1"), Annotation.of("a", "2"))));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {"name":"web","hostPort":8080}                             | true
      {"name":"web","hostPort":8080,"hostIP":"127.0.0.1"}         | true
      {"name":"web","hostPort":8080,"hostIP":"::1"}               | true
      {"name":"web","hostPort":8080,"hostIP":"fe80::1:2"}         | true
      {"name":"web","hostPort":8080,"hostIP":"::ffff:10.0.0.1"}   | true
      {"name":"web","hostPort":8080,"hostIP":"localhost"}         | false
      {"name":"web","hostPort":8080,"hostIP":"256.1.1.1"}         | false
      {"name":"web","hostPort":8080,"hostIP":"1::2::3"}           | false
      {"name":"web","hostPort":8080,"hostIP":"example.com"}       | false
      {"name":"web","hostPort":8080,"hostIP":".:"}                | false
      {"name":"web","hostPort":70000}                            | false
      {"name":"web","hostPort":80,"podPort":{"name":"web","protocol":"tcp","port":80}} | true
      """)
  void podPorts(String port, boolean valid) throws Exception {
    String json = PodJson.pod("", "null").replace("\"ports\":[]", "\"ports\":[" + port + "]");
    if (valid) {
      PodManifest m = PodJson.parse(json);
      assertEquals(m, PodJson.parse(AppcJson.writePodManifest(m)));
    } else {
      error(json);
    }
  }

  @Test
  void portCountDefaultsToOne() throws Exception {
    PodManifest m = PodJson.parse(
        PodJson.withApp(",\"ports\":[{\"name\":\"http\",\"protocol\":\"tcp\",\"port\":80,\"socketActivated\":true}]"));
    Port p = m.apps().get(0).app().orElseThrow().ports().get(0);
    assertEquals(1, p.count());
    assertTrue(p.socketActivated());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"Pod\"", "\"ImageManifest\"", "\"podmanifest\"", "null"})
  void podKind(String kind) {
    String json = PodJson.pod("", "null").replace("\"PodManifest\"", kind);
    assertTrue(error(json).startsWith("pod: acKind (line 1, column "), error(json));
  }

  @Test
  void appOverrideIsOptional() throws Exception {
    PodManifest m = PodJson.parse(PodJson.pod("{\"name\":\"a\",\"image\":{\"id\":\"sha512-aa\"}}", "null"));
    assertEquals(Optional.empty(), m.apps().get(0).app());
    assertEquals(Optional.empty(), m.apps().get(0).image().name());
  }
}
