package io.stage1xen.appc;

import java.util.Optional;

/**
 * A pod volume. What may be set depends on the kind, as in appc: {@code host} needs an absolute {@code source} and
 * takes no mode/uid/gid; {@code empty} takes no source and has mode/uid/gid, defaulting to 0755/0/0. Unset fields
 * stay empty here (so a manifest reads back as it was written); the {@code effective*} methods apply the defaults.
 */
public record Volume(
    AcName name,
    VolumeKind kind,
    Optional<String> source,
    Optional<Boolean> readOnly,
    Optional<Boolean> recursive,
    Optional<String> mode,
    Optional<Long> uid,
    Optional<Long> gid) {

  public static final int DEFAULT_EMPTY_MODE = 0755;
  private static final long MAX_ID = 4294967294L;

  public Volume {
    if (name == null) {
      throw InvalidValueException.withoutValue("name", "is required");
    }
    if (kind == null) {
      throw InvalidValueException.withoutValue("kind", "is required (host or empty)");
    }
    source = orEmpty(source).filter(s -> !s.isEmpty());
    readOnly = orEmpty(readOnly);
    recursive = orEmpty(recursive);
    mode = orEmpty(mode);
    uid = orEmpty(uid);
    gid = orEmpty(gid);
    if (kind == VolumeKind.HOST) {
      if (source.isEmpty()) {
        throw InvalidValueException.withoutValue("source", "a host volume needs a source");
      }
      ImmutableCopies.requireNoNul(source.get(), "source");
      if (!source.get().startsWith("/")) {
        throw new InvalidValueException("source", "must be an absolute path", source.get());
      }
      mode.ifPresent(m -> {
        throw new InvalidValueException("mode", "a host volume takes no mode", m);
      });
      uid.ifPresent(u -> {
        throw new InvalidValueException("uid", "a host volume takes no uid", u);
      });
      gid.ifPresent(g -> {
        throw new InvalidValueException("gid", "a host volume takes no gid", g);
      });
    } else {
      source.ifPresent(s -> {
        throw new InvalidValueException("source", "an empty volume takes no source", s);
      });
      mode.ifPresent(Volume::parseMode);
      uid.ifPresent(u -> checkId(u, "uid"));
      gid.ifPresent(g -> checkId(g, "gid"));
    }
  }

  public static Volume host(String name, String source, boolean readOnly) {
    return new Volume(AcName.of(name), VolumeKind.HOST, Optional.of(source), Optional.of(readOnly),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static Volume empty(String name) {
    return new Volume(AcName.of(name), VolumeKind.EMPTY, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  public boolean isReadOnly() {
    return readOnly.orElse(false);
  }

  /** Permission bits of an empty volume's directory (0755 unless set). */
  public int effectiveMode() {
    return mode.map(Volume::parseMode).orElse(DEFAULT_EMPTY_MODE);
  }

  public long effectiveUid() {
    return uid.orElse(0L);
  }

  public long effectiveGid() {
    return gid.orElse(0L);
  }

  private static int parseMode(String m) {
    if (m.isEmpty() || m.length() > 6 || !m.chars().allMatch(c -> c >= '0' && c <= '7')) {
      throw new InvalidValueException("mode", "must be an octal permission such as 0755", m);
    }
    int value = Integer.parseInt(m, 8);
    if (value > 07777) {
      throw new InvalidValueException("mode", "must be at most 07777", m);
    }
    return value;
  }

  private static void checkId(long id, String field) {
    if (id < 0 || id > MAX_ID) {
      throw new InvalidValueException(field, "must be in the range 0-" + MAX_ID, id);
    }
  }

  private static <T> Optional<T> orEmpty(Optional<T> o) {
    return o == null ? Optional.empty() : o;
  }
}
