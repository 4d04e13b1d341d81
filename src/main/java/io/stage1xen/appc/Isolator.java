package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One isolator: a name and a value whose shape the name decides (see {@link IsolatorValue}). */
public record Isolator(AcIdentifier name, IsolatorValue value) {
  public Isolator {
    if (name == null) {
      throw InvalidValueException.withoutValue("name", "is required");
    }
    if (value == null) {
      throw InvalidValueException.withoutValue("value", "is required");
    }
    String expected = IsolatorCodec.nameOf(value).orElse(null);
    if (expected != null && !expected.equals(name.value())) {
      throw new InvalidValueException("name", "does not match the value, which is a " + expected, name.value());
    }
  }

  /** An isolator of a known kind, named after its value. */
  public static Isolator of(IsolatorValue value) {
    return new Isolator(AcIdentifier.of(IsolatorCodec.nameOf(value)
        .orElseThrow(() -> new IllegalArgumentException("an unknown isolator needs its name"))), value);
  }

  @JsonCreator
  static Isolator fromJson(@JsonProperty("name") AcIdentifier name, @JsonProperty("value") JsonNode value) {
    if (name == null) {
      throw InvalidValueException.withoutValue("name", "is required");
    }
    return new Isolator(name, IsolatorCodec.decode(name.value(), value));
  }

  @JsonValue
  ObjectNode json() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", name.value());
    o.set("value", IsolatorCodec.encode(value));
    return o;
  }

  public boolean isUnknown() {
    return value instanceof UnknownIsolator;
  }
}
