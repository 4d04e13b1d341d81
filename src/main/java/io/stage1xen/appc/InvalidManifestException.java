package io.stage1xen.appc;

import java.io.IOException;

/**
 * A manifest file that cannot be used. The message is one line:
 * {@code <file>: <json.path> (line L, column C): <what is wrong>: <offending value>}.
 */
public final class InvalidManifestException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String jsonPath;
  private final int line;
  private final int column;
  private final String problem;
  private final String renderedValue;

  public InvalidManifestException(String file, String jsonPath, int line, int column, String problem,
      String renderedValue) {
    super(compose(file, jsonPath, line, column, problem, renderedValue));
    this.file = file;
    this.jsonPath = jsonPath;
    this.line = line;
    this.column = column;
    this.problem = problem;
    this.renderedValue = renderedValue;
  }

  public String file() {
    return file;
  }

  /** Where in the document, e.g. {@code apps[0].app.environment[1].name}; {@code $} for the document itself. */
  public String jsonPath() {
    return jsonPath;
  }

  /** 1-based line of the offending value, 0 when unknown. */
  public int line() {
    return line;
  }

  /** 1-based column of the offending value, 0 when unknown. */
  public int column() {
    return column;
  }

  public String problem() {
    return problem;
  }

  /** The offending value as shown in the message (quoted and escaped), or null. */
  public String renderedValue() {
    return renderedValue;
  }

  private static String compose(String file, String path, int line, int column, String problem, String value) {
    StringBuilder sb = new StringBuilder();
    sb.append(file).append(": ").append(path);
    if (line > 0) {
      sb.append(" (line ").append(line).append(", column ").append(column).append(')');
    }
    sb.append(": ").append(problem);
    if (value != null) {
      sb.append(": ").append(value);
    }
    return sb.toString().replace('\n', ' ').replace('\r', ' ');
  }
}
