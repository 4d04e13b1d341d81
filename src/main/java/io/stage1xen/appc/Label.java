package io.stage1xen.appc;

/** One image label, such as {@code os=linux}. */
public record Label(AcIdentifier name, String value) {
  public Label {
    if (name == null) {
      throw InvalidValueException.withoutValue("name", "is required");
    }
    value = value == null ? "" : value;
  }

  public static Label of(String name, String value) {
    return new Label(AcIdentifier.of(name), value);
  }
}
