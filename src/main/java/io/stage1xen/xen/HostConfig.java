package io.stage1xen.xen;

import io.stage1xen.host.GuestTypeRequest;
import io.stage1xen.outcome.Stage1Failure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The host-wide operator settings, {@code <local-config>/stage1-xen/host.conf} (rkt passes {@code --local-config},
 * by default {@code /etc/rkt}). The format is {@code key = value} lines, {@code #} comments on lines of their own,
 * blank lines ignored; docs/XEN.md lists the keys. A missing file means every default.
 */
public record HostConfig(
    String source,
    GuestTypeRequest guestType,
    ResourcePolicy resources,
    Optional<Path> kernel,
    Optional<Path> initrd,
    Duration readinessTimeout,
    Duration xlTimeout,
    Duration stopGrace,
    HostVolumeOwnership hostVolumeOwnership,
    List<XlSetting> extra,
    Set<String> allowedKeys) {

  public static final Duration DEFAULT_READINESS_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_XL_TIMEOUT = Duration.ofSeconds(60);
  /** Time apps get between SIGTERM and SIGKILL when the pod stops (systemd's default is 90 s; pods stop faster). */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
  private static final List<String> KEYS = List.of("guest-type", "memory-overhead-mib", "default-app-memory-mib",
      "min-memory-mib", "max-memory-mib", "default-vcpus", "max-vcpus", "max-shares", "kernel", "initrd",
      "readiness-timeout-seconds", "xl-timeout-seconds", "stop-grace-seconds", "host-volume-ownership", "extra",
      "allow-key");
  private static final long MAX_MIB = 1L << 30;

  public HostConfig {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(guestType, "guestType");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(initrd, "initrd");
    Objects.requireNonNull(readinessTimeout, "readinessTimeout");
    Objects.requireNonNull(xlTimeout, "xlTimeout");
    Objects.requireNonNull(stopGrace, "stopGrace");
    Objects.requireNonNull(hostVolumeOwnership, "hostVolumeOwnership");
    extra = List.copyOf(extra);
    allowedKeys = Set.copyOf(allowedKeys);
  }

  public static HostConfig defaults(String source) {
    return new HostConfig(source, GuestTypeRequest.AUTO, ResourcePolicy.DEFAULTS, Optional.empty(), Optional.empty(),
        DEFAULT_READINESS_TIMEOUT, DEFAULT_XL_TIMEOUT, DEFAULT_STOP_GRACE, HostVolumeOwnership.MAPPED, List.of(),
        Set.of());
  }

  public static Path location(Path localConfigDir) {
    return localConfigDir.resolve("stage1-xen").resolve("host.conf");
  }

  /** Reads {@link #location}; a missing file gives the defaults. */
  public static HostConfig load(Path localConfigDir) throws IOException {
    Path file = location(localConfigDir);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      // the defaults, with this file named as the place to change them
      return new Builder(file.toString()).build(file + " (absent: defaults)");
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new Stage1Failure(file + ": not valid UTF-8");
    }
    return parse(text, file.toString());
  }

  public static HostConfig parse(String text, String file) {
    Builder b = new Builder(file);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      b.set(line, file + ":" + (i + 1));
    }
    return b.build(file);
  }

  private static final class Builder {
    final String file;
    final Set<String> seen = new HashSet<>();
    GuestTypeRequest guestType = GuestTypeRequest.AUTO;
    long overhead = ResourcePolicy.DEFAULT_OVERHEAD_MIB;
    long appMemory = ResourcePolicy.DEFAULT_APP_MEMORY_MIB;
    long minMemory = ResourcePolicy.DEFAULT_MIN_MEMORY_MIB;
    long maxMemory = PodLimits.DEFAULT_MAX_MEMORY_MIB;
    int vcpus = ResourcePolicy.DEFAULT_VCPUS;
    int maxVcpus = PodLimits.DEFAULT_MAX_VCPUS;
    int maxShares = PodLimits.DEFAULT_MAX_SHARES;
    Optional<Path> kernel = Optional.empty();
    Optional<Path> initrd = Optional.empty();
    Duration readiness = DEFAULT_READINESS_TIMEOUT;
    Duration xl = DEFAULT_XL_TIMEOUT;
    Duration grace = DEFAULT_STOP_GRACE;
    HostVolumeOwnership ownership = HostVolumeOwnership.MAPPED;
    final List<XlSetting> extra = new ArrayList<>();
    final Set<String> allowed = new LinkedHashSet<>();

    Builder(String file) {
      this.file = file;
    }

    void set(String line, String where) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new Stage1Failure(where + ": expected 'key = value', got '" + XlSyntax.show(line) + "'");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (!KEYS.contains(key)) {
        throw new Stage1Failure(where + ": unknown setting '" + XlSyntax.show(key) + "' (known: "
            + String.join(", ", KEYS) + ")");
      }
      boolean repeatable = key.equals("extra") || key.equals("allow-key");
      if (!repeatable && !seen.add(key)) {
        throw new Stage1Failure(where + ": setting '" + key + "' is given twice");
      }
      if (value.isEmpty()) {
        throw new Stage1Failure(where + ": setting '" + key + "' has no value");
      }
      String field = where + " " + key;
      switch (key) {
        case "guest-type" -> guestType = GuestTypeRequest.parse(value, file + " guest-type");
        case "memory-overhead-mib" -> overhead = number(field, value, 0, MAX_MIB);
        case "default-app-memory-mib" -> appMemory = number(field, value, 0, MAX_MIB);
        case "min-memory-mib" -> minMemory = number(field, value, 1, MAX_MIB);
        case "max-memory-mib" -> maxMemory = number(field, value, 1, MAX_MIB);
        case "default-vcpus" -> vcpus = (int) number(field, value, 1, 4096);
        case "max-vcpus" -> maxVcpus = (int) number(field, value, 1, 4096);
        case "max-shares" -> maxShares = (int) number(field, value, 1, 4096);
        case "kernel" -> kernel = Optional.of(absolute(field, value));
        case "initrd" -> initrd = Optional.of(absolute(field, value));
        case "readiness-timeout-seconds" -> readiness = Duration.ofSeconds(number(field, value, 1, 86400));
        case "xl-timeout-seconds" -> xl = Duration.ofSeconds(number(field, value, 1, 86400));
        case "stop-grace-seconds" -> grace = Duration.ofSeconds(number(field, value, 0, 3600));
        case "host-volume-ownership" -> ownership = HostVolumeOwnership.parse(field, value);
        case "extra" -> extra.add(XlSettingParser.parse(value, where + " extra"));
        case "allow-key" -> {
          XlSyntax.key(field, value);
          if (XlKeyPolicy.isOwned(value)) {
            throw new Stage1Failure(field + ": '" + value + "' is written by stage1-xen itself and cannot"
                + " be allowed");
          }
          allowed.add(value);
        }
        default -> throw new IllegalStateException(key);
      }
    }

    HostConfig build(String source) {
      Set<String> keys = new HashSet<>();
      for (XlSetting s : extra) {
        XlKeyPolicy.check(s.key(), allowed, s.source());
        if (!keys.add(s.key())) {
          throw new Stage1Failure(s.source() + ": xl key '" + s.key() + "' is set twice");
        }
      }
      ResourcePolicy resources = new ResourcePolicy(overhead, appMemory, minMemory, vcpus,
          new PodLimits(maxMemory, maxVcpus, maxShares, file));
      return new HostConfig(source, guestType, resources, kernel, initrd, readiness, xl, grace, ownership, extra,
          allowed);
    }
  }

  static long number(String field, String value, long min, long max) {
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new Stage1Failure(field + ": '" + XlSyntax.show(value) + "' is not a whole number");
    }
    if (n < min || n > max) {
      throw new Stage1Failure(field + ": " + n + " is outside " + min + ".." + max);
    }
    return n;
  }

  static Path absolute(String field, String value) {
    XlSyntax.quote(field, value);
    Path p = Path.of(value);
    if (!p.isAbsolute()) {
      throw new Stage1Failure(field + ": '" + XlSyntax.show(value) + "' is not an absolute path");
    }
    return p;
  }
}
