package io.stage1xen.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stage1xen.json.Json;
import io.stage1xen.json.JsonException;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;

/**
 * JSON as plain data (maps in document order, lists, strings, numbers, booleans, null), for tests that take a
 * document apart or build a hostile one (the fuzzer, dry runs of the real xl). The product binds records instead.
 */
public final class PlainJson {
  private PlainJson() {}

  public static Object read(String json, String source) throws JsonException {
    return Json.read(json, source, Object.class);
  }

  /** Written as it is, nulls included (the mapper's omissions are for records). */
  public static String write(Object plain) {
    return Json.write(tree(plain));
  }

  /** The value at a path of map keys, or null when a step is missing or not a map. */
  public static Object path(Object node, String... keys) {
    Object cur = node;
    for (String k : keys) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(k);
    }
    return cur;
  }

  private static JsonNode tree(Object o) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (o == null) {
      return nodes.nullNode();
    } else if (o instanceof String s) {
      return nodes.textNode(s);
    } else if (o instanceof Boolean b) {
      return nodes.booleanNode(b);
    } else if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
      return nodes.numberNode(((Number) o).longValue());
    } else if (o instanceof Number n) {
      return nodes.numberNode(new BigDecimal(n.toString()));
    } else if (o instanceof Map<?, ?> m) {
      ObjectNode object = nodes.objectNode();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("plain JSON maps need string keys, not " + e.getKey());
        }
        object.set(key, tree(e.getValue()));
      }
      return object;
    } else if (o instanceof Collection<?> c) {
      ArrayNode array = nodes.arrayNode();
      c.forEach(v -> array.add(tree(v)));
      return array;
    }
    throw new IllegalArgumentException("not plain JSON data: " + o.getClass().getName());
  }
}
