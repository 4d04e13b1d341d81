package io.stage1xen.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds where in a JSON text the value at a path starts. Data binding only knows the position where it noticed a
 * problem (often the end of the enclosing object); a second streaming pass over the text gives the line and column
 * of the offending value itself. Field names match case-insensitively, as they do when binding. When the path does
 * not exist (a missing field), the deepest existing ancestor is returned. Manifests are small, so the whole text is
 * scanned (the last of duplicated keys is the one that counts).
 */
final class JsonPathLocator {
  /** The value found: how many path elements matched, its position, and its text when it is a scalar. */
  record Found(int depth, int line, int column, JsonToken token, String scalarText) {}

  private static final class Frame {
    final boolean array;
    String name;
    int index = -1;

    Frame(boolean array) {
      this.array = array;
    }
  }

  private JsonPathLocator() {}

  /** @param path field names (String) and list indices (Integer), outermost first */
  static Found locate(JsonFactory factory, String json, List<Object> path) {
    Found best = null;
    List<Frame> stack = new ArrayList<>();
    try (JsonParser p = factory.createParser(json)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          stack.get(stack.size() - 1).name = p.currentName();
          continue;
        }
        if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          stack.remove(stack.size() - 1);
          continue;
        }
        if (!stack.isEmpty() && stack.get(stack.size() - 1).array) {
          stack.get(stack.size() - 1).index++;
        }
        boolean onPath = stack.size() <= path.size() && matches(stack, path);
        // ">=": with a duplicated key the later value wins, as it does when binding
        if (onPath && (best == null || stack.size() >= best.depth())) {
          JsonLocation at = p.currentTokenLocation();
          best = new Found(stack.size(), at.getLineNr(), at.getColumnNr(), t, t.isScalarValue() ? p.getText() : null);
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          if (onPath) {
            stack.add(new Frame(t == JsonToken.START_ARRAY));
          } else {
            p.skipChildren();
          }
        }
      }
    } catch (IOException e) {
      // broken JSON after the part we could read: what was found so far is the best answer
    }
    return best;
  }

  private static boolean matches(List<Frame> stack, List<Object> path) {
    for (int i = 0; i < stack.size(); i++) {
      Frame f = stack.get(i);
      Object want = path.get(i);
      if (f.array) {
        if (!(want instanceof Integer idx) || idx != f.index) {
          return false;
        }
      } else if (!(want instanceof String name) || f.name == null || !f.name.equalsIgnoreCase(name)) {
        return false;
      }
    }
    return true;
  }
}
