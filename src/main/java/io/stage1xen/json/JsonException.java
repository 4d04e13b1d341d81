package io.stage1xen.json;

import java.io.IOException;

/**
 * JSON text that cannot be used. The message is one line:
 * {@code <source>: <json.path> (line L, column C): <what is wrong>: <offending value>}; {@link #detail()} is the same
 * without the source, for callers that name the source in their own words.
 */
public class JsonException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String jsonPath;
  private final int line;
  private final int column;
  private final String problem;
  private final String renderedValue;

  public JsonException(String source, String jsonPath, int line, int column, String problem, String renderedValue) {
    super((source + ": " + detail(jsonPath, line, column, problem, renderedValue)).replace('\n', ' ')
        .replace('\r', ' '));
    this.source = source;
    this.jsonPath = jsonPath;
    this.line = line;
    this.column = column;
    this.problem = problem;
    this.renderedValue = renderedValue;
  }

  /** The same failure under another name, for layers that give it their own type. */
  protected JsonException(JsonException e) {
    this(e.source, e.jsonPath, e.line, e.column, e.problem, e.renderedValue);
  }

  /** The file or command output the text came from, as given to {@link Json}. */
  public String source() {
    return source;
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

  /** The message without the source: {@code <json.path> (line L, column C): <what is wrong>: <value>}. */
  public String detail() {
    return detail(jsonPath, line, column, problem, renderedValue);
  }

  private static String detail(String path, int line, int column, String problem, String value) {
    StringBuilder sb = new StringBuilder(path);
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
