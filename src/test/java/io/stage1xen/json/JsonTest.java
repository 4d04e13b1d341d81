package io.stage1xen.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one mapper's reading rules and its error messages, on records of the test's own. */
class JsonTest {
  /** A value type read from a string, like the manifest names and the inet values. */
  public record Word(String text) {
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Word of(String text) {
      if (text.contains(" ")) {
        throw new ValueException("", "has a blank", text);
      }
      return new Word(text);
    }

    @JsonValue
    @Override
    public String text() {
      return text;
    }
  }

  public record Item(Word word, Optional<Integer> count) {}

  public record Doc(String name, List<Item> items) {
    public Doc {
      if (name == null) {
        throw ValueException.withoutValue("name", "is required");
      }
      items = items == null ? List.of() : List.copyOf(items);
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i).count().orElse(0) < 0) {
          throw new ValueException("items[" + i + "].count", "must not be negative", items.get(i).count().get());
        }
      }
    }
  }

  @Test
  void readsRecordsTheWayGoDoes() throws JsonException {
    Doc d = Json.read("{\"NAME\":\"n\",\"extra\":[1],\"items\":[{\"word\":\"w\"},{\"word\":\"v\",\"count\":2}]}",
        "doc.json", Doc.class);
    assertEquals(new Doc("n", List.of(new Item(new Word("w"), Optional.empty()),
        new Item(new Word("v"), Optional.of(2)))), d);
    assertEquals(List.of(), Json.read("{\"name\":\"n\",\"items\":null}", "doc.json", Doc.class).items());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "{\"items\":[]} | doc.json: name (line 1, column 1): is required",
      "`{\"name\":\"n\",\n \"items\":[{\"word\":\"a b\"}]}` | doc.json: items[0].word (line 2, column 19): has a blank: \"a b\"",
      "{\"name\":\"n\",\"items\":[{\"word\":5}]} | doc.json: items[0].word (line 1, column 30): expected a string, found a number: 5",
      "{\"name\":\"n\",\"items\":[{\"word\":\"w\",\"count\":-1}]} | doc.json: items[0].count (line 1, column 42): must not be negative: -1",
      "{\"name\":\"n\",\"items\":{}} | doc.json: items (line 1, column 21): expected an array, found an object",
      "{\"name\":1} | doc.json: name (line 1, column 9): expected a string, found a number: 1",
      "null | doc.json: $ (line 1, column 1): expected an object, found null",
      "{\"name\" 1} | doc.json: $ (line 1, column 9): invalid JSON: Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value",
      "`` | doc.json: $: the file holds no JSON document",
  })
  void failuresNameSourcePathPositionAndValue(String json, String message) {
    JsonException e = assertThrows(JsonException.class, () -> Json.read(json, "doc.json", Doc.class));
    assertEquals(message, e.getMessage());
    assertEquals(message.substring("doc.json: ".length()), e.detail());
    assertEquals("doc.json", e.source());
  }

  @Test
  void aFieldCanBePutFirstAndTheRestPassesOnAsItIs() throws JsonException {
    assertEquals("{\"v\":\"0.4.0\",\"a\":1,\"z\":{\"k\":[true,null,2.5]}}",
        Json.withFieldFirst("{\"a\":1,\"z\":{\"k\":[true,null,2.5]}}", "c", "v", "0.4.0"));
    assertEquals("{\"v\":\"1.0.0\",\"a\":1}", Json.withFieldFirst("{\"a\":1,\"v\":\"1.0.0\"}", "c", "v", "0.4.0"));
    JsonException e = assertThrows(JsonException.class, () -> Json.withFieldFirst("[1]", "c.conf", "v", "x"));
    assertEquals("c.conf: $ (line 1, column 1): expected an object, found an array", e.getMessage());
  }

  @Test
  void writingLeavesOutAbsentOptionalsOnly() {
    assertEquals("{\"name\":\"n\",\"items\":[{\"word\":\"w\"},{\"word\":\"v\",\"count\":0}]}", Json.write(new Doc("n",
        List.of(new Item(new Word("w"), Optional.empty()), new Item(new Word("v"), Optional.of(0))))));
  }
}
