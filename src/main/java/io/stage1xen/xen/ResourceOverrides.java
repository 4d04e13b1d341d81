package io.stage1xen.xen;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Explicit sizes the operator set for this pod (annotations); {@code source} names them in messages. */
public record ResourceOverrides(OptionalLong memoryMib, String memorySource, OptionalInt vcpus, String vcpuSource) {
  public static final ResourceOverrides NONE =
      new ResourceOverrides(OptionalLong.empty(), "", OptionalInt.empty(), "");

  public ResourceOverrides {
    Objects.requireNonNull(memoryMib, "memoryMib");
    Objects.requireNonNull(vcpus, "vcpus");
    Objects.requireNonNull(memorySource, "memorySource");
    Objects.requireNonNull(vcpuSource, "vcpuSource");
  }
}
