package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's only {@link ObjectMapper}, configured to read what rkt writes the way rkt's Go code reads it: keys
 * in any letter case, unknown fields ignored, {@code null} lists read as empty, no implicit conversions between
 * strings, numbers and booleans. Failures become an {@link InvalidManifestException} naming the file, the JSON path,
 * the position and the offending value.
 */
public final class AppcJson {
  /** Manifests are small; anything bigger is not a manifest and is not read into memory. */
  public static final long MAX_FILE_BYTES = 16L << 20;

  private static final Pattern PATH_ELEMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern TRAILING_REFERENCE =
      Pattern.compile("\\s*(\\((start marker|for \\w+ starting)\\s*)?(at\\s*)?$");
  private static final ObjectMapper MAPPER = newMapper();

  static {
    NativeWarmup.ensure();
  }

  private AppcJson() {}

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

  static ObjectMapper mapper() {
    return MAPPER;
  }

  public static PodManifest readPodManifest(Path file) throws IOException {
    return parse(read(file), file.toString(), PodManifest.class);
  }

  public static ImageManifest readImageManifest(Path file) throws IOException {
    return parse(read(file), file.toString(), ImageManifest.class);
  }

  /** Parses a pod manifest held in memory; {@code source} names it in error messages. */
  public static PodManifest parsePodManifest(String json, String source) throws InvalidManifestException {
    return parse(json, source, PodManifest.class);
  }

  public static ImageManifest parseImageManifest(String json, String source) throws InvalidManifestException {
    return parse(json, source, ImageManifest.class);
  }

  /** One line of JSON, in the field order and with the omissions of rkt's own writer. */
  public static String writePodManifest(PodManifest manifest) {
    return write(manifest);
  }

  public static String writeImageManifest(ImageManifest manifest) {
    return write(manifest);
  }

  /**
   * JSON for plain data (maps with string keys, lists, strings, numbers, booleans, null), for other packages that
   * write small JSON files (such as net-info.json) without a mapper of their own.
   */
  public static String writePlain(Object plain) {
    return write(tree(plain));
  }

  /** Parses JSON text into plain data: maps (in document order), lists, strings, numbers, booleans and null. */
  public static Object readPlain(String json, String source) throws InvalidManifestException {
    return parse(json, source, Object.class);
  }

  /** Reads a file as UTF-8 text for parsing, refusing files too big to be a manifest. */
  static String read(Path file) throws IOException {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new IOException(file + ": too large to be a manifest (" + size + " bytes)");
      }
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "no such file");
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(file.toString(), null, "permission denied");
    }
  }

  static <T> T parse(String json, String source, Class<T> type) throws InvalidManifestException {
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null && type != Object.class) {
        throw new InvalidManifestException(source, "$", 1, 1, "expected an object, found null", null);
      }
      return value;
    } catch (JacksonException e) {
      throw describe(e, json, source);
    }
  }

  static JsonNode parseTree(String json, String source) throws InvalidManifestException {
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree == null || tree.isMissingNode()) {
        throw new InvalidManifestException(source, "$", 0, 0, "the file holds no JSON document", null);
      }
      return tree;
    } catch (JacksonException e) {
      throw describe(e, json, source);
    }
  }

  private static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      // Every record validated itself when it was built, so this is a bug, not bad input.
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Plain data as a tree, which is written as it is (the mapper's omissions are for records). */
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

  private static InvalidManifestException describe(JacksonException e, String json, String source) {
    List<Object> path = new ArrayList<>();
    if (e instanceof JsonMappingException d) {
      for (Reference r : d.getPath()) {
        path.add(r.getFieldName() != null ? r.getFieldName() : (Object) r.getIndex());
      }
    }
    InvalidValueException invalid = cause(e, InvalidValueException.class);
    StreamReadException read = cause(e, StreamReadException.class);
    if (json.isBlank()) {
      return new InvalidManifestException(source, "$", 0, 0, "the file holds no JSON document", null);
    }
    if (read != null && !(read instanceof InputCoercionException) && invalid == null) {
      JsonLocation at = read.getLocation();
      return new InvalidManifestException(source, render(path), at == null ? 0 : at.getLineNr(),
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
          : " for " + coercion.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT));
      value = exact ? renderScalar(found) : null;
    } else if (e instanceof MismatchedInputException m) {
      Object target = m instanceof InvalidFormatException f ? f.getTargetType() : m.getTargetType();
      problem = "expected " + describeType(target) + (exact ? ", found " + kind(found.token()) : "");
      value = exact ? renderScalar(found) : null;
    } else {
      IllegalArgumentException other = cause(e, IllegalArgumentException.class);
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
    return new InvalidManifestException(source, render(path), line, column, problem, value);
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
    return found.token() == JsonToken.VALUE_STRING ? InvalidValueException.quote(found.scalarText())
        : InvalidValueException.literal(found.scalarText());
  }

  private static String describeType(Object type) {
    Class<?> raw = type instanceof JavaType jt ? jt.getRawClass() : type instanceof Class<?> c ? c : null;
    if (raw == null) {
      return "a different value";
    }
    if (Collection.class.isAssignableFrom(raw) || raw.isArray() || raw == Labels.class
        || raw == Annotations.class || raw == Isolators.class) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(raw)) {
      return "an object";
    }
    if (raw == String.class || raw == AcName.class || raw == AcIdentifier.class || raw == AcVersion.class
        || raw == ImageId.class || raw == PodUuid.class || raw == VolumeKind.class) {
      return "a string";
    }
    if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
      return "an integer";
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return "true or false";
    }
    if (raw == Optional.class) {
      return "a value of another type";
    }
    return raw.isRecord() ? "an object" : "a value of another type";
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
        sb.append('[').append(InvalidValueException.quote((String) element)).append(']');
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
