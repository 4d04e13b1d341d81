package io.stage1xen.appc;

/** {@code os/linux/oom-score-adj} (rkt): the app's /proc/PID/oom_score_adj, -1000 to 1000. */
public record OomScoreAdj(int value) implements IsolatorValue {
  public static final String NAME = "os/linux/oom-score-adj";

  public OomScoreAdj {
    if (value < -1000 || value > 1000) {
      throw new InvalidValueException("", "must be in the range -1000..1000", value);
    }
  }
}
