package io.stage1xen.appc;

/** {@code os/linux/cpu-shares} (rkt): the relative CPU weight, 2 to 262144 (1024 is the default weight). */
public record CpuShares(int value) implements IsolatorValue {
  public static final String NAME = "os/linux/cpu-shares";

  public CpuShares {
    if (value < 2 || value > 262144) {
      throw new InvalidValueException("", "must be in the range 2..262144", value);
    }
  }
}
