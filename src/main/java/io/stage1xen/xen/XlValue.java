package io.stage1xen.xen;

import java.util.List;
import java.util.Objects;

/** A value an operator may give an extra xl.cfg key: a number, a string, or a list of strings. */
public sealed interface XlValue {

  /** The value as xl.cfg text; {@code field} names it in errors. */
  String render(String field);

  /** A non-negative decimal integer (xl reads numbers with strtol; negative numbers are not xl.cfg syntax). */
  record Number(long value) implements XlValue {
    public Number {
      if (value < 0) {
        throw new IllegalArgumentException("xl.cfg numbers cannot be negative: " + value);
      }
    }

    @Override
    public String render(String field) {
      return Long.toString(value);
    }
  }

  record Text(String value) implements XlValue {
    public Text {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String render(String field) {
      return XlSyntax.quote(field, value);
    }
  }

  record TextList(List<String> values) implements XlValue {
    public TextList {
      values = List.copyOf(values);
    }

    @Override
    public String render(String field) {
      return XlSyntax.list(field, values);
    }
  }
}
