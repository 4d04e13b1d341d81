package io.stage1xen.json;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.stage1xen.outcome.Stage1Failure;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's only {@link ObjectMapper}, configured to read JSON the way rkt's and CNI's Go code reads it: keys in
 * any letter case, unknown fields ignored, {@code null} lists read as empty, no implicit conversions between strings,
 * numbers and booleans. Every reader binds a record of its own; a failure becomes a {@link JsonException} naming the
 * source, the JSON path, the position and the offending value (a {@link ValueException} thrown by a record's
 * constructor names its field).
 */
public final class Json {
  private static final Pattern PATH_ELEMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern TRAILING_REFERENCE =
      Pattern.compile("\\s*(\\((start marker|for \\w+ starting)\\s*)?(at\\s*)?$");
  private static final ObjectMapper MAPPER = newMapper();

  static {
    // Built into a native image, the mapper keeps what it constructed at build time: the tree reader and writer,
    // which pass CNI configurations on, are ready then (appc warms up the manifests the same way).
    if ("buildtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"))) {
      try {
        write(readTree("[{\"a\":[1,2.5,\"x\",true,null]}]", "warm-up"));
      } catch (JsonException e) {
        throw new IllegalStateException("the native-image warm-up JSON no longer parses: " + e.getMessage(), e);
      }
    }
  }

  private Json() {}

  private static ObjectMapper newMapper() {
    JsonMapper mapper = JsonMapper.builder()
        .addModule(new OptionalModule())
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
        // Record components are the JSON; helpers such as isMutable() are not (and no helper is named getX()).
        .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_ABSENT,
            JsonInclude.Include.NON_ABSENT))
        .build();
    mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    // Go's encoding/json never turns a number or a boolean into a string; neither do we.
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  /** The mapper itself, for readers that need a feature of their own (strict duplicates, a pretty printer). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Binds JSON text to a record (or a list type such as {@code Foo[]}); {@code source} names the text in errors.
   * A document that is JSON {@code null} is refused: every reader wants a value.
   */
  public static <T> T read(String json, String source, Class<T> type) throws JsonException {
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null) {
        throw new JsonException(source, "$", 1, 1, "expected " + describeType(type) + ", found null", null);
      }
      return value;
    } catch (JacksonException e) {
      throw describe(e, json, source);
    }
  }

  /** Binds a JSON array to a list of records, each element checked as {@link #read} checks a document. */
  public static <T> List<T> readList(String json, String source, Class<T> element) throws JsonException {
    try {
      List<T> value = MAPPER.readValue(json, MAPPER.getTypeFactory().constructCollectionType(List.class, element));
      if (value == null) {
        throw new JsonException(source, "$", 1, 1, "expected an array, found null", null);
      }
      return value;
    } catch (JacksonException e) {
      throw describe(e, json, source);
    }
  }

  /** The document as a tree, for readers that pass JSON on as it is (field order and unknown fields kept). */
  public static JsonNode readTree(String json, String source) throws JsonException {
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree == null || tree.isMissingNode()) {
        throw new JsonException(source, "$", 0, 0, "the file holds no JSON document", null);
      }
      return tree;
    } catch (JacksonException e) {
      throw describe(e, json, source);
    }
  }

  /**
   * A JSON object passed on as it is (unknown fields and document order kept) except for one field, which is put
   * first, with {@code fallback} as its value when the object has none.
   */
  public static String withFieldFirst(String json, String source, String field, String fallback)
      throws JsonException {
    JsonNode tree = readTree(json, source);
    if (!(tree instanceof ObjectNode object)) {
      throw new JsonException(source, "$", 1, 1, "expected an object, found " + kind(tree.asToken()), null);
    }
    ObjectNode out = object.objectNode();
    JsonNode own = object.get(field);
    out.set(field, own != null ? own : out.textNode(fallback));
    object.properties().forEach(e -> {
      if (!e.getKey().equals(field)) {
        out.set(e.getKey(), e.getValue());
      }
    });
    return write(out);
  }

  /**
   * One line of JSON: records in component order without absent optionals, trees as they are.
   *
   * @throws IllegalStateException when the value cannot be written, which is a bug (every record validated itself
   *     when it was built), not bad input
   */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static JsonException describe(JacksonException e, String json, String source) {
    List<Object> path = new ArrayList<>();
    if (e instanceof JsonMappingException d) {
      for (Reference r : d.getPath()) {
        path.add(r.getFieldName() != null ? r.getFieldName() : (Object) r.getIndex());
      }
    }
    ValueException invalid = cause(e, ValueException.class);
    StreamReadException read = cause(e, StreamReadException.class);
    if (json.isBlank()) {
      return new JsonException(source, "$", 0, 0, "the file holds no JSON document", null);
    }
    if (read != null && !(read instanceof InputCoercionException) && invalid == null) {
      JsonLocation at = read.getLocation();
      return new JsonException(source, render(path), at == null ? 0 : at.getLineNr(),
          at == null ? 0 : at.getColumnNr(), "invalid JSON: " + firstClause(read.getOriginalMessage()), null);
    }
    if (invalid != null) {
      path.addAll(parseRelative(invalid.field()));
    }
    JsonPathLocator.Found found = JsonPathLocator.locate(MAPPER.getFactory(), json, path);
    boolean exact = found != null && found.depth() == path.size();
    String problem;
    String value = null;
    if (invalid != null) {
      problem = invalid.problem();
      value = invalid.renderedValue();
    } else if (read instanceof InputCoercionException coercion) {
      problem = "number out of range" + (coercion.getTargetType() == null ? ""
          : " for " + coercion.getTargetType().getSimpleName().toLowerCase(Locale.ROOT));
      value = exact ? renderScalar(found) : null;
    } else if (e instanceof MismatchedInputException m) {
      Object target = m instanceof InvalidFormatException f ? f.getTargetType() : m.getTargetType();
      problem = "expected " + describeType(target) + (exact ? ", found " + kind(found.token()) : "");
      value = exact ? renderScalar(found) : null;
    } else {
      // a record's constructor refused the value: its own words (a check of its contract words it the JDK's way)
      RuntimeException other = cause(e, Stage1Failure.class);
      if (other == null) {
        other = cause(e, IllegalArgumentException.class);
      }
      problem = other != null ? other.getMessage() : firstClause(e.getOriginalMessage());
    }
    int line = 0;
    int column = 0;
    if (found != null) {
      line = found.line();
      column = found.column();
    } else if (e.getLocation() != null) {
      line = e.getLocation().getLineNr();
      column = e.getLocation().getColumnNr();
    }
    return new JsonException(source, render(path), line, column, problem, value);
  }

  private static String kind(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> "something else";
    };
  }

  private static String renderScalar(JsonPathLocator.Found found) {
    if (found.scalarText() == null || found.token() == JsonToken.VALUE_NULL) {
      return null;
    }
    return found.token() == JsonToken.VALUE_STRING ? ValueException.quote(found.scalarText())
        : ValueException.literal(found.scalarText());
  }

  /** What JSON a type is read from, for "expected …" messages. */
  private static String describeType(Object type) {
    Class<?> raw = type instanceof JavaType jt ? jt.getRawClass() : type instanceof Class<?> c ? c : null;
    if (raw == null) {
      return "a different value";
    }
    if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(raw)) {
      return "an object";
    }
    if (raw == String.class) {
      return "a string";
    }
    if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(raw)) {
      return "a number";
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return "true or false";
    }
    if (raw == Optional.class || raw.getName().startsWith("java.")) {
      return "a value of another type";
    }
    Class<?> delegate = delegateOf(raw);
    if (delegate != null) {
      return describeType(delegate);
    }
    return raw.isRecord() ? "an object" : "a value of another type";
  }

  /**
   * The type a value type is read from when it has a delegating creator (a name from a string, a list wrapper from
   * an array), or null.
   */
  private static Class<?> delegateOf(Class<?> type) {
    for (Method m : type.getDeclaredMethods()) {
      JsonCreator creator = m.getAnnotation(JsonCreator.class);
      if (creator != null && creator.mode() == JsonCreator.Mode.DELEGATING && Modifier.isStatic(m.getModifiers())
          && m.getParameterCount() == 1) {
        return m.getParameterTypes()[0];
      }
    }
    return null;
  }

  private static List<Object> parseRelative(String field) {
    List<Object> out = new ArrayList<>();
    if (field == null || field.isEmpty()) {
      return out;
    }
    Matcher m = PATH_ELEMENT.matcher(field);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : (Object) Integer.parseInt(m.group(2)));
    }
    return out;
  }

  static String render(List<Object> path) {
    if (path.isEmpty()) {
      return "$";
    }
    StringBuilder sb = new StringBuilder();
    for (Object element : path) {
      if (element instanceof Integer i) {
        sb.append('[').append(i).append(']');
      } else if (PLAIN_NAME.matcher((String) element).matches()) {
        sb.append(sb.length() == 0 ? "" : ".").append(element);
      } else {
        sb.append('[').append(ValueException.quote((String) element)).append(']');
      }
    }
    return sb.toString();
  }

  private static String firstClause(String message) {
    if (message == null) {
      return "unreadable";
    }
    String first = message.strip().split("\n", 2)[0];
    int source = first.indexOf("[Source");
    if (source >= 0) {
      first = first.substring(0, source);
    }
    return TRAILING_REFERENCE.matcher(first).replaceFirst("").strip();
  }

  private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }
}
