package io.stage1xen.appc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stage1xen.json.Json;
import io.stage1xen.json.NodeFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts isolator values between their JSON shape, which depends on the isolator's name, and the typed records.
 * Hand-written on JSON trees because the shape is chosen by a sibling field; it also keeps these records free of
 * reflection (nothing to register for native images).
 */
final class IsolatorCodec {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private IsolatorCodec() {}

  static IsolatorValue decode(String name, JsonNode value) {
    try {
      return switch (name) {
        case ResourceMemory.NAME -> {
          JsonNode o = object(value);
          requireDefault(o, false);
          yield new ResourceMemory(quantity(o, "request"), quantity(o, "limit"));
        }
        case ResourceCpu.NAME -> {
          JsonNode o = object(value);
          requireDefault(o, false);
          yield new ResourceCpu(quantity(o, "request"), quantity(o, "limit"));
        }
        case ResourceBlockBandwidth.NAME -> new ResourceBlockBandwidth(limitOnly(value));
        case ResourceBlockIops.NAME -> new ResourceBlockIops(limitOnly(value));
        case ResourceNetworkBandwidth.NAME -> new ResourceNetworkBandwidth(limitOnly(value));
        case CapabilitiesRetainSet.NAME -> new CapabilitiesRetainSet(strings(object(value), "set"));
        case CapabilitiesRemoveSet.NAME -> new CapabilitiesRemoveSet(strings(object(value), "set"));
        case SeccompRetainSet.NAME -> new SeccompRetainSet(strings(object(value), "set"), string(value, "errno"));
        case SeccompRemoveSet.NAME -> new SeccompRemoveSet(strings(object(value), "set"), string(value, "errno"));
        case NoNewPrivileges.NAME -> new NoNewPrivileges(bool(value));
        case SelinuxContext.NAME -> {
          JsonNode o = object(value);
          yield new SelinuxContext(string(o, "user"), string(o, "role"), string(o, "type"), string(o, "level"));
        }
        case ApparmorProfile.NAME -> new ApparmorProfile(string(object(value), "profile"));
        case OomScoreAdj.NAME -> new OomScoreAdj(integer(value));
        case CpuShares.NAME -> new CpuShares(integer(value));
        case Sysctl.NAME -> new Sysctl(stringMap(object(value)));
        default -> new UnknownIsolator(NodeFields.isAbsent(value) ? "null" : value.toString());
      };
    } catch (InvalidValueException e) {
      throw e.under("value");
    }
  }

  static JsonNode encode(IsolatorValue v) {
    if (v instanceof ResourceMemory r) {
      return resource(false, r.request(), r.limit());
    } else if (v instanceof ResourceCpu r) {
      return resource(false, r.request(), r.limit());
    } else if (v instanceof ResourceBlockBandwidth r) {
      return resource(true, Optional.empty(), r.limit());
    } else if (v instanceof ResourceBlockIops r) {
      return resource(true, Optional.empty(), r.limit());
    } else if (v instanceof ResourceNetworkBandwidth r) {
      return resource(true, Optional.empty(), r.limit());
    } else if (v instanceof CapabilitiesRetainSet c) {
      return set(c.set(), null);
    } else if (v instanceof CapabilitiesRemoveSet c) {
      return set(c.set(), null);
    } else if (v instanceof SeccompRetainSet s) {
      return set(s.set(), s.errno());
    } else if (v instanceof SeccompRemoveSet s) {
      return set(s.set(), s.errno());
    } else if (v instanceof NoNewPrivileges n) {
      return NODES.booleanNode(n.enabled());
    } else if (v instanceof SelinuxContext s) {
      return NODES.objectNode().put("user", s.user()).put("role", s.role()).put("type", s.type())
          .put("level", s.level());
    } else if (v instanceof ApparmorProfile a) {
      return NODES.objectNode().put("profile", a.profile());
    } else if (v instanceof OomScoreAdj o) {
      return NODES.numberNode(o.value());
    } else if (v instanceof CpuShares c) {
      return NODES.numberNode(c.value());
    } else if (v instanceof Sysctl s) {
      ObjectNode o = NODES.objectNode();
      s.values().forEach(o::put);
      return o;
    } else if (v instanceof UnknownIsolator u) {
      try {
        return Json.mapper().readTree(u.json());
      } catch (IOException e) {
        throw new InvalidValueException("value", "not valid JSON", u.json());
      }
    }
    throw new IllegalStateException("unhandled isolator value " + v.getClass().getName());
  }

  /** The isolator name a typed value belongs to; empty for values of unknown isolators. */
  static Optional<String> nameOf(IsolatorValue v) {
    String name = null;
    if (v instanceof ResourceMemory) {
      name = ResourceMemory.NAME;
    } else if (v instanceof ResourceCpu) {
      name = ResourceCpu.NAME;
    } else if (v instanceof ResourceBlockBandwidth) {
      name = ResourceBlockBandwidth.NAME;
    } else if (v instanceof ResourceBlockIops) {
      name = ResourceBlockIops.NAME;
    } else if (v instanceof ResourceNetworkBandwidth) {
      name = ResourceNetworkBandwidth.NAME;
    } else if (v instanceof CapabilitiesRetainSet) {
      name = CapabilitiesRetainSet.NAME;
    } else if (v instanceof CapabilitiesRemoveSet) {
      name = CapabilitiesRemoveSet.NAME;
    } else if (v instanceof SeccompRetainSet) {
      name = SeccompRetainSet.NAME;
    } else if (v instanceof SeccompRemoveSet) {
      name = SeccompRemoveSet.NAME;
    } else if (v instanceof NoNewPrivileges) {
      name = NoNewPrivileges.NAME;
    } else if (v instanceof SelinuxContext) {
      name = SelinuxContext.NAME;
    } else if (v instanceof ApparmorProfile) {
      name = ApparmorProfile.NAME;
    } else if (v instanceof OomScoreAdj) {
      name = OomScoreAdj.NAME;
    } else if (v instanceof CpuShares) {
      name = CpuShares.NAME;
    } else if (v instanceof Sysctl) {
      name = Sysctl.NAME;
    }
    return Optional.ofNullable(name);
  }

  private static JsonNode resource(boolean isDefault, Optional<Quantity> request, Optional<Quantity> limit) {
    ObjectNode o = NODES.objectNode().put("default", isDefault);
    request.ifPresent(q -> o.put("request", q.text()));
    limit.ifPresent(q -> o.put("limit", q.text()));
    return o;
  }

  private static JsonNode set(List<String> entries, String errno) {
    ObjectNode o = NODES.objectNode();
    ArrayNode a = o.putArray("set");
    entries.forEach(a::add);
    if (errno != null) {
      o.put("errno", errno);
    }
    return o;
  }

  private static JsonNode object(JsonNode value) {
    if (value == null || !value.isObject()) {
      throw new InvalidValueException("", "must be an object, not " + NodeFields.kind(value), render(value));
    }
    return value;
  }

  private static void requireDefault(JsonNode o, boolean required) {
    JsonNode d = NodeFields.get(o, "default");
    boolean actual = d != null && d.isBoolean() && d.booleanValue();
    if (d != null && !d.isBoolean()) {
      throw new InvalidValueException("default", "must be a boolean", render(d));
    }
    if (actual != required) {
      throw new InvalidValueException("default", "must be " + required + " for this isolator", actual);
    }
  }

  private static Optional<Quantity> limitOnly(JsonNode value) {
    JsonNode o = object(value);
    requireDefault(o, true);
    JsonNode request = NodeFields.get(o, "request");
    if (request != null) {
      throw new InvalidValueException("request", "this isolator takes no request", render(request));
    }
    return quantity(o, "limit");
  }

  private static Optional<Quantity> quantity(JsonNode o, String field) {
    JsonNode n = NodeFields.get(o, field);
    if (n == null) {
      return Optional.empty();
    }
    String text;
    if (n.isTextual()) {
      text = n.textValue();
    } else if (n.isIntegralNumber()) {
      text = n.bigIntegerValue().toString();
    } else if (n.isNumber()) {
      text = n.decimalValue().toPlainString();
    } else {
      throw new InvalidValueException(field, "must be a quantity string such as \"128M\"", render(n));
    }
    try {
      return Optional.of(Quantity.of(text));
    } catch (InvalidValueException e) {
      throw e.under(field);
    }
  }

  private static List<String> strings(JsonNode o, String field) {
    JsonNode n = NodeFields.get(o, field);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new InvalidValueException(field, "must be an array of strings", render(n));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isTextual()) {
        throw new InvalidValueException(field + "[" + i + "]", "must be a string", render(n.get(i)));
      }
      out.add(n.get(i).textValue());
    }
    return out;
  }

  private static String string(JsonNode o, String field) {
    JsonNode n = NodeFields.get(o, field);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      throw new InvalidValueException(field, "must be a string", render(n));
    }
    return n.textValue();
  }

  private static boolean bool(JsonNode value) {
    if (value == null || !value.isBoolean()) {
      throw new InvalidValueException("", "must be true or false", render(value));
    }
    return value.booleanValue();
  }

  private static int integer(JsonNode value) {
    if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new InvalidValueException("", "must be an integer", render(value));
    }
    return value.intValue();
  }

  private static Map<String, String> stringMap(JsonNode o) {
    Map<String, String> out = new LinkedHashMap<>();
    o.properties().forEach(e -> {
      if (!e.getValue().isTextual()) {
        throw new InvalidValueException(e.getKey(), "must be a string", render(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().textValue());
    });
    return out;
  }

  /** Shows a JSON value in a message as the JSON text it was (a string keeps its quotes). */
  private static Object render(JsonNode n) {
    if (NodeFields.isAbsent(n)) {
      return "null";
    }
    return n.isTextual() ? n.textValue() : n.toString();
  }
}
