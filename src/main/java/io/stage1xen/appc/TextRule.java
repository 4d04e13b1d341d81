package io.stage1xen.appc;

import java.util.regex.Pattern;

/**
 * The grammar of one kind of manifest string (names, identifiers, versions, IDs): present, not longer than
 * {@code maxLength}, matching {@code pattern}. The value types check through it so that every kind fails with the
 * same three messages, each naming the kind.
 *
 * @param required the message when the value is missing or empty
 * @param kind the kind's name in the other two messages, e.g. "AC Name"
 * @param shape what a valid value looks like, for the message when the pattern does not match
 */
record TextRule(String required, String kind, Pattern pattern, int maxLength, String shape) {

  void check(String value) {
    if (value == null || value.isEmpty()) {
      throw InvalidValueException.withoutValue("", required);
    }
    if (value.length() > maxLength) {
      throw new InvalidValueException("", "invalid " + kind + " (longer than " + maxLength + " characters)", value);
    }
    if (!pattern.matcher(value).matches()) {
      throw new InvalidValueException("", "invalid " + kind + " (" + shape + ")", value);
    }
  }

  boolean accepts(String value) {
    return value != null && !value.isEmpty() && value.length() <= maxLength && pattern.matcher(value).matches();
  }
}
