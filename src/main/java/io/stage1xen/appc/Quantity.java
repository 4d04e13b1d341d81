package io.stage1xen.appc;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resource quantity in the Kubernetes notation appc uses: a decimal number with an optional suffix, either
 * decimal SI ({@code n u m k M G T P E}), binary ({@code Ki Mi Gi Ti Pi Ei}) or an exponent ({@code e3}, {@code E-2}).
 * Arithmetic is exact; {@link #bytes()} and {@link #millis()} round up like Kubernetes and refuse what does not fit
 * a {@code long}. The text is kept as written so a manifest reads back unchanged.
 */
public record Quantity(String text) implements Comparable<Quantity> {
  private static final int MAX_TEXT = 64;
  private static final int MAX_EXPONENT = 64;
  private static final Pattern SYNTAX = Pattern.compile(
      "([+-]?)([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?");

  public Quantity {
    if (text == null || text.isEmpty()) {
      throw InvalidValueException.withoutValue("", "a quantity is required");
    }
    parse(text);
  }

  public static Quantity of(String text) {
    return new Quantity(text);
  }

  /** The exact value: bytes for memory and bandwidth, cores for CPU. */
  public BigDecimal value() {
    return parse(text);
  }

  public boolean isNegative() {
    return value().signum() < 0;
  }

  /** The value rounded up to a whole number, e.g. bytes for {@code "1.5Ki"} = 1536. */
  public long bytes() {
    return toLong(value().setScale(0, RoundingMode.CEILING), "bytes");
  }

  /** The value times 1000, rounded up: millicores for CPU ({@code "500m"} = 500, {@code "2"} = 2000). */
  public long millis() {
    return toLong(value().movePointRight(3).setScale(0, RoundingMode.CEILING), "thousandths");
  }

  @Override
  public int compareTo(Quantity other) {
    return value().compareTo(other.value());
  }

  @Override
  public String toString() {
    return text;
  }

  private long toLong(BigDecimal v, String unit) {
    try {
      return v.longValueExact();
    } catch (ArithmeticException e) {
      throw new InvalidValueException("", "quantity too large to count in " + unit, text);
    }
  }

  private static BigDecimal parse(String text) {
    if (text.length() > MAX_TEXT) {
      throw new InvalidValueException("", "invalid quantity (longer than " + MAX_TEXT + " characters)", text);
    }
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) {
      throw new InvalidValueException("",
          "invalid quantity (a number with an optional suffix such as 500m, 128M, 1Gi)", text);
    }
    BigDecimal number = new BigDecimal(m.group(2).endsWith(".") ? m.group(2) + "0" : m.group(2));
    if (m.group(1).equals("-")) {
      number = number.negate();
    }
    String suffix = m.group(3) == null ? "" : m.group(3);
    return switch (suffix) {
      case "" -> number;
      case "n" -> number.movePointLeft(9);
      case "u" -> number.movePointLeft(6);
      case "m" -> number.movePointLeft(3);
      case "k" -> number.movePointRight(3);
      case "M" -> number.movePointRight(6);
      case "G" -> number.movePointRight(9);
      case "T" -> number.movePointRight(12);
      case "P" -> number.movePointRight(15);
      case "E" -> number.movePointRight(18);
      case "Ki" -> number.multiply(BigDecimal.valueOf(1L << 10));
      case "Mi" -> number.multiply(BigDecimal.valueOf(1L << 20));
      case "Gi" -> number.multiply(BigDecimal.valueOf(1L << 30));
      case "Ti" -> number.multiply(BigDecimal.valueOf(1L << 40));
      case "Pi" -> number.multiply(BigDecimal.valueOf(1L << 50));
      case "Ei" -> number.multiply(BigDecimal.valueOf(1L << 60));
      default -> withExponent(number, suffix.substring(1), text);
    };
  }

  private static BigDecimal withExponent(BigDecimal number, String exponent, String text) {
    int e;
    try {
      e = Integer.parseInt(exponent.startsWith("+") ? exponent.substring(1) : exponent);
    } catch (NumberFormatException ex) {
      e = Integer.MAX_VALUE;
    }
    if (Math.abs((long) e) > MAX_EXPONENT) {
      throw new InvalidValueException("", "invalid quantity (exponent beyond ±" + MAX_EXPONENT + ")", text);
    }
    return number.movePointRight(e);
  }
}
