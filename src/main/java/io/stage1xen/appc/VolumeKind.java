package io.stage1xen.appc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The two volume kinds of appc: a host directory, or an empty directory the stage1 creates. */
public enum VolumeKind {
  HOST("host"),
  EMPTY("empty");

  private final String json;

  VolumeKind(String json) {
    this.json = json;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static VolumeKind of(String value) {
    for (VolumeKind k : values()) {
      if (k.json.equals(value)) {
        return k;
      }
    }
    throw new InvalidValueException("", "unknown volume kind (host or empty)", value);
  }

  @JsonValue
  public String json() {
    return json;
  }
}
