package io.stage1xen.appc;

import io.stage1xen.json.ValueException;

/**
 * A value breaks a rule of the appc schema. Thrown by the validating constructors of this package; {@link AppcJson}
 * turns it into an {@link InvalidManifestException} that also names the file, the JSON path and the position.
 * Rendering and path joining are {@link ValueException}'s.
 */
public final class InvalidValueException extends ValueException {
  private static final long serialVersionUID = 1L;

  private InvalidValueException(String field, String problem, Shown shown) {
    super(field, problem, shown);
  }

  /** A problem with an offending value, which is rendered safely (quoted, escaped, truncated). */
  public InvalidValueException(String field, String problem, Object value) {
    super(field, problem, value);
  }

  /** A problem without a value to show, such as a missing field. */
  public static InvalidValueException withoutValue(String field, String problem) {
    return new InvalidValueException(field, problem, (Shown) null);
  }

  @Override
  public InvalidValueException under(String parent) {
    return new InvalidValueException(join(parent, field()), problem(),
        renderedValue() == null ? null : new Shown(renderedValue()));
  }
}
