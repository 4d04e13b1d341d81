package io.stage1xen.host;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Parses {@code xl info}: one {@code key : value} per line, the key padded with spaces; values may contain colons
 * (dates, command lines) and may be empty (a host without HVM prints an empty {@code virt_caps}).
 */
public final class XlInfoParser {
  private XlInfoParser() {}

  /** All keys in order; a line without a colon (never printed by xl) is ignored. The first of a repeated key wins. */
  public static Map<String, String> parseLines(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String key = line.substring(0, colon).strip();
      if (!key.isEmpty() && !key.contains(" ")) {
        fields.putIfAbsent(key, line.substring(colon + 1).strip());
      }
    }
    return fields;
  }

  /** Builds the host facts from xl info's text and cpuinfo; names the missing or malformed field otherwise. */
  public static HostInfo parse(String xlInfo, CpuFlags cpu) throws HostException {
    return parse(xlInfo, cpu, true);
  }

  /**
   * As {@link #parse(String, CpuFlags)}; without {@code current}, the text is an earlier answer (the boot's cache),
   * whose free_memory says nothing about now and is left out.
   */
  static HostInfo parse(String xlInfo, CpuFlags cpu, boolean current) throws HostException {
    Map<String, String> f = parseLines(xlInfo);
    XenVersion version = version(f);
    return new HostInfo(
        version,
        Set.copyOf(words(f.getOrDefault("virt_caps", ""))),
        words(f.getOrDefault("xen_caps", "")),
        (int) number(f, "nr_cpus", 1, 1 << 20),
        current ? OptionalLong.of(number(f, "free_memory", 0, Long.MAX_VALUE / 2)) : OptionalLong.empty(),
        number(f, "total_memory", 0, Long.MAX_VALUE / 2),
        cpu);
  }

  private static XenVersion version(Map<String, String> f) throws HostException {
    String text = f.get("xen_version");
    if (text == null && f.containsKey("xen_major") && f.containsKey("xen_minor")) {
      text = f.get("xen_major") + "." + f.get("xen_minor") + f.getOrDefault("xen_extra", "");
    }
    if (text == null) {
      throw new HostException("'xl info' printed no xen_version (nor xen_major/xen_minor): is this xl talking to Xen?");
    }
    try {
      return XenVersion.parse(text);
    } catch (IllegalArgumentException e) {
      throw new HostException("'xl info' field xen_version has an unexpected value '" + text + "'");
    }
  }

  private static long number(Map<String, String> f, String key, long min, long max) throws HostException {
    String value = f.get(key);
    if (value == null) {
      throw new HostException("'xl info' printed no " + key);
    }
    try {
      long n = Long.parseLong(value);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new HostException("'xl info' field " + key + " has an unexpected value '" + value + "'");
    }
  }

  private static List<String> words(String value) {
    return value.isBlank() ? List.of() : Arrays.asList(value.strip().split("\\s+"));
  }
}
