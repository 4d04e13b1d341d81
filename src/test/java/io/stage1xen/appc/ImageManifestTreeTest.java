package io.stage1xen.appc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.outcome.Stage1Failure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageManifestTreeTest {
  private static final String VALID = """
      {"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/s1",
       "labels": [{"name": "version", "value": "@VERSION@"}, {"name": "os", "value": "linux"}],
       "annotations": [{"name": "coreos.com/rkt/stage1/run", "value": "/run"}],
       "dependencies": [{"imageName": "example.com/base"}]}
      """;

  @Test
  void readsNameLabelsAndAnnotationsInOrder() {
    ImageManifestTree m = ImageManifestTree.parse(VALID, "m.json");
    assertEquals("example.com/s1", m.name());
    assertEquals(List.of("version", "os"), List.copyOf(m.labels().keySet()));
    assertEquals(Map.of("coreos.com/rkt/stage1/run", "/run"), m.annotations());
  }

  @Test
  void withLabelReplacesInPlaceAndKeepsUnmodelledFields() {
    ImageManifestTree m = ImageManifestTree.parse(VALID, "m.json").withLabel("version", "1.0.0");
    String json = m.toJson();
    assertTrue(json.indexOf("\"1.0.0\"") < json.indexOf("\"linux\""), json);
    assertTrue(json.contains("\"imageName\" : \"example.com/base\""), json);
    assertFalse(json.contains("@VERSION@"));
    ImageManifestTree again = ImageManifestTree.parse(json, "again");
    assertEquals("1.0.0", again.labels().get("version"));
    assertEquals(json, again.toJson(), "serialising is stable");
  }

  @Test
  void withLabelAppendsWhenAbsentAndLeavesTheOriginalAlone() {
    ImageManifestTree original = ImageManifestTree.parse(VALID, "m.json");
    ImageManifestTree m = original.withLabel("arch", "amd64");
    assertEquals(List.of("version", "os", "arch"), List.copyOf(m.labels().keySet()));
    assertFalse(original.labels().containsKey("arch"));
    assertFalse(original.toJson().contains("amd64"));
  }

  @Test
  void labelsMayBeAbsent() {
    ImageManifestTree m = ImageManifestTree.parse(
        "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"a\",\"labels\":null}", "m");
    assertEquals(Map.of(), m.labels());
    assertEquals("1", m.withLabel("version", "1").labels().get("version"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not JSON             | {"acKind":                                                          | m.json: not valid JSON
      not an object        | []                                                                  | m.json: not a JSON object
      no kind              | {"acVersion":"1","name":"a"}                                        | m.json: field "acKind": missing
      pod manifest         | {"acKind":"PodManifest","acVersion":"1","name":"a"}                 | m.json: field "acKind": expected "ImageManifest", got "PodManifest"
      kind not a string    | {"acKind":7,"acVersion":"1","name":"a"}                             | m.json: field "acKind": expected a string, got "7"
      blank acVersion      | {"acKind":"ImageManifest","acVersion":" ","name":"a"}               | m.json: field "acVersion": must not be blank, got " "
      upper-case name      | {"acKind":"ImageManifest","acVersion":"1","name":"Example.com/a"}   | m.json: field "name": not an AC Identifier "Example.com/a"
      name with space      | {"acKind":"ImageManifest","acVersion":"1","name":"a b"}             | m.json: field "name": not an AC Identifier "a b"
      labels not array     | {"acKind":"ImageManifest","acVersion":"1","name":"a","labels":{}}    | m.json: field "labels": expected an array, got "{}"
      label not object     | {"acKind":"ImageManifest","acVersion":"1","name":"a","labels":[1]}   | m.json: field "labels[0]": expected an object, got "1"
      label without value  | {"acKind":"ImageManifest","acVersion":"1","name":"a","labels":[{"name":"os"}]} | m.json: field "labels[0].value": missing
      bad label name       | {"acKind":"ImageManifest","acVersion":"1","name":"a","labels":[{"name":"OS","value":"x"}]} | m.json: field "labels[0].name": not an AC Identifier "OS"
      duplicate label      | {"acKind":"ImageManifest","acVersion":"1","name":"a","labels":[{"name":"os","value":"x"},{"name":"os","value":"y"}]} | m.json: field "labels[1].name": duplicate name "os"
      name as label        | {"acKind":"ImageManifest","acVersion":"1","name":"a","labels":[{"name":"name","value":"x"}]} | m.json: field "labels": "name" is not allowed as a label name "name"
      duplicate annotation | {"acKind":"ImageManifest","acVersion":"1","name":"a","annotations":[{"name":"x","value":"1"},{"name":"x","value":"2"}]} | m.json: field "annotations[1].name": duplicate name "x"
      duplicate JSON key   | {"acKind":"ImageManifest","acVersion":"1","name":"a","name":"b"}    | m.json: not valid JSON: Duplicate field 'name'
      """)
  void invalidManifestsGiveOneLineNamingFileAndField(String what, String json, String expected) {
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> ImageManifestTree.parse(json, "m.json"));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"name", "Version", "a b", "''"})
  void withLabelRefusesInvalidNames(String name) {
    ImageManifestTree m = ImageManifestTree.parse(VALID, "m.json");
    assertThrows(Stage1Failure.class, () -> m.withLabel(name, "x"));
  }
}
