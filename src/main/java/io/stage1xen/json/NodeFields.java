package io.stage1xen.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Reads fields of JSON trees the way Go's encoding/json does: names match case-insensitively, null is absent. */
public final class NodeFields {
  private NodeFields() {}

  /** The value of {@code name} in {@code object}, or null when it is missing or JSON null. */
  public static JsonNode get(JsonNode object, String name) {
    if (object == null || !object.isObject()) {
      return null;
    }
    JsonNode exact = object.get(name);
    if (exact != null) {
      return exact.isNull() ? null : exact;
    }
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue().isNull() ? null : e.getValue();
      }
    }
    return null;
  }

  public static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  /** A one-word description of a node's JSON type for error messages. */
  public static String kind(JsonNode node) {
    if (isAbsent(node)) {
      return "null";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    return node.isNumber() ? "a number" : "a value";
  }
}
