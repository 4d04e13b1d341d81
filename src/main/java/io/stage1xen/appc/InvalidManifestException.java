package io.stage1xen.appc;

import io.stage1xen.json.JsonException;

/**
 * A manifest file that cannot be used. The message is one line:
 * {@code <file>: <json.path> (line L, column C): <what is wrong>: <offending value>}.
 */
public final class InvalidManifestException extends JsonException {
  private static final long serialVersionUID = 1L;

  public InvalidManifestException(String file, String jsonPath, int line, int column, String problem,
      String renderedValue) {
    super(file, jsonPath, line, column, problem, renderedValue);
  }

  InvalidManifestException(JsonException e) {
    super(e);
  }

  public String file() {
    return source();
  }
}
