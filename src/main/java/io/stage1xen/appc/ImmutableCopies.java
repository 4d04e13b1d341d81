package io.stage1xen.appc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Immutable copies of JSON lists and maps as the record constructors need them: JSON {@code null} or a missing
 * field becomes empty (rkt writes {@code "volumes":null}), a {@code null} element is an error naming its index.
 */
final class ImmutableCopies {
  private ImmutableCopies() {}

  static <T> List<T> list(List<T> values, String field) {
    if (values == null) {
      return List.of();
    }
    List<T> copy = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      T v = values.get(i);
      if (v == null) {
        throw InvalidValueException.withoutValue(field + "[" + i + "]", "must not be null");
      }
      copy.add(v);
    }
    return Collections.unmodifiableList(copy);
  }

  /** Strings that end up in argv, paths or the environment: NUL cannot be represented there. */
  static List<String> strings(List<String> values, String field) {
    List<String> copy = list(values, field);
    for (int i = 0; i < copy.size(); i++) {
      requireNoNul(copy.get(i), field + "[" + i + "]");
    }
    return copy;
  }

  /** String-to-string maps (userAnnotations, userLabels): order kept, null values read as empty like Go does. */
  static Map<String, String> stringMap(Map<String, String> values, String field) {
    if (values == null) {
      return Map.of();
    }
    Map<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (e.getKey() == null) {
        throw InvalidValueException.withoutValue(field, "has a null key");
      }
      copy.put(e.getKey(), e.getValue() == null ? "" : e.getValue());
    }
    return Collections.unmodifiableMap(copy);
  }

  static String requireNoNul(String value, String field) {
    if (value != null && value.indexOf('\0') >= 0) {
      throw new InvalidValueException(field, "must not contain a NUL character", value);
    }
    return value;
  }

  /** An absolute path without NUL and without ".." segments (such paths are resolved inside an app's root). */
  static String absolutePath(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw InvalidValueException.withoutValue(field, "is required (an absolute path)");
    }
    requireNoNul(value, field);
    if (!value.startsWith("/")) {
      throw new InvalidValueException(field, "must be an absolute path", value);
    }
    for (String segment : value.split("/")) {
      if (segment.equals("..")) {
        throw new InvalidValueException(field, "must not contain '..' segments", value);
      }
    }
    return value;
  }

  static String required(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw InvalidValueException.withoutValue(field, "is required");
    }
    return requireNoNul(value, field);
  }
}
