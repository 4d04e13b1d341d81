package io.stage1xen.appc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stage1xen.json.Json;
import io.stage1xen.outcome.Stage1Failure;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image manifest held as the JSON tree it was read from. The ACI packer fills labels into a template and must
 * keep every other field exactly as written, which a typed model would not; so this class validates only the
 * fields an ACI needs (kind, version, name, labels, annotations) and leaves the rest untouched.
 *
 * <p>Errors are one line: {@code <source>: field "<path>": <problem> "<value>"}.
 */
public final class ImageManifestTree {
  /** appc AC Identifier: image names, label and annotation names. */
  private static final Pattern AC_IDENTIFIER = Pattern.compile("^[a-z0-9]+([-._~/][a-z0-9]+)*$");

  private final ObjectNode root;
  private final Map<String, String> labels;
  private final Map<String, String> annotations;

  private ImageManifestTree(ObjectNode root, Map<String, String> labels, Map<String, String> annotations) {
    this.root = root;
    this.labels = Collections.unmodifiableMap(labels);
    this.annotations = Collections.unmodifiableMap(annotations);
  }

  /** Parses and validates; {@code source} names the file in error messages. */
  public static ImageManifestTree parse(String json, String source) {
    Objects.requireNonNull(json, "json");
    JsonNode node;
    try {
      node = Json.mapper().reader().withFeatures(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(json);
    } catch (JsonProcessingException e) {
      throw new Stage1Failure(source + ": not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    }
    if (!(node instanceof ObjectNode object)) {
      throw new Stage1Failure(source + ": not a JSON object");
    }
    String kind = requiredString(object, "acKind", source);
    if (!kind.equals("ImageManifest")) {
      throw bad(source, "acKind", "expected \"ImageManifest\", got", kind);
    }
    String acVersion = requiredString(object, "acVersion", source);
    if (acVersion.isBlank()) {
      throw bad(source, "acVersion", "must not be blank, got", acVersion);
    }
    String name = requiredString(object, "name", source);
    if (!AC_IDENTIFIER.matcher(name).matches()) {
      throw bad(source, "name", "not an AC Identifier", name);
    }
    Map<String, String> labels = nameValues(object, "labels", source);
    if (labels.containsKey("name")) {
      throw bad(source, "labels", "\"name\" is not allowed as a label name", "name");
    }
    Map<String, String> annotations = nameValues(object, "annotations", source);
    return new ImageManifestTree(object, labels, annotations);
  }

  public String name() {
    return root.get("name").asText();
  }

  /** Labels in manifest order. */
  public Map<String, String> labels() {
    return labels;
  }

  /** Annotations in manifest order. */
  public Map<String, String> annotations() {
    return annotations;
  }

  /** A copy with label {@code name} set to {@code value}: replaced in place if present, appended otherwise. */
  public ImageManifestTree withLabel(String name, String value) {
    if (!AC_IDENTIFIER.matcher(name).matches() || name.equals("name")) {
      throw new Stage1Failure("label name \"" + name + "\" is not allowed");
    }
    Objects.requireNonNull(value, "value");
    ObjectNode copy = root.deepCopy();
    ArrayNode array = copy.get("labels") instanceof ArrayNode existing ? existing : copy.putArray("labels");
    boolean replaced = false;
    for (JsonNode entry : array) {
      if (entry.get("name").asText().equals(name)) {
        ((ObjectNode) entry).put("value", value);
        replaced = true;
      }
    }
    if (!replaced) {
      array.addObject().put("name", name).put("value", value);
    }
    Map<String, String> newLabels = new LinkedHashMap<>(labels);
    newLabels.put(name, value);
    return new ImageManifestTree(copy, newLabels, new LinkedHashMap<>(annotations));
  }

  /** Two-space indented JSON with a final newline; the same tree always gives the same bytes. */
  public String toJson() {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return Json.mapper().writer(printer).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an image manifest tree: " + e.getOriginalMessage(), e);
    }
  }

  private static String requiredString(ObjectNode object, String field, String source) {
    return requiredString(object, field, field, source);
  }

  /** {@code path} is how the field is named in messages, e.g. {@code labels[2].value}. */
  private static String requiredString(ObjectNode object, String field, String path, String source) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      throw new Stage1Failure(source + ": field \"" + path + "\": missing");
    }
    if (!value.isTextual()) {
      throw bad(source, path, "expected a string, got", value.toString());
    }
    return value.asText();
  }

  /** labels and annotations: null/absent or an array of {name, value} with unique AC Identifier names. */
  private static Map<String, String> nameValues(ObjectNode object, String field, String source) {
    Map<String, String> result = new LinkedHashMap<>();
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return result;
    }
    if (!value.isArray()) {
      throw bad(source, field, "expected an array, got", value.toString());
    }
    for (int i = 0; i < value.size(); i++) {
      String at = field + "[" + i + "]";
      if (!(value.get(i) instanceof ObjectNode entry)) {
        throw bad(source, at, "expected an object, got", value.get(i).toString());
      }
      String name = requiredString(entry, "name", at + ".name", source);
      String text = requiredString(entry, "value", at + ".value", source);
      if (!AC_IDENTIFIER.matcher(name).matches()) {
        throw bad(source, at + ".name", "not an AC Identifier", name);
      }
      if (result.putIfAbsent(name, text) != null) {
        throw bad(source, at + ".name", "duplicate name", name);
      }
    }
    return result;
  }

  private static Stage1Failure bad(String source, String field, String problem, String value) {
    return new Stage1Failure(source + ": field \"" + field + "\": " + problem + " \"" + value + "\"");
  }
}
