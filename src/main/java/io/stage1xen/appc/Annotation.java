package io.stage1xen.appc;

/** One annotation: an AC Identifier name and a free-form string value. */
public record Annotation(AcIdentifier name, String value) {
  public Annotation {
    if (name == null) {
      throw InvalidValueException.withoutValue("name", "is required");
    }
    value = value == null ? "" : value;
  }

  public static Annotation of(String name, String value) {
    return new Annotation(AcIdentifier.of(name), value);
  }
}
