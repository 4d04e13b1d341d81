package io.stage1xen.aci;

import java.util.List;

/** The annotations by which rkt finds a stage1's entrypoints (rkt 1.30.0 stage0). */
final class Stage1Annotations {
  static final String PREFIX = "coreos.com/rkt/stage1/";
  static final String INTERFACE_VERSION = PREFIX + "interface-version";
  /** Every stage1 rkt can run needs these four. */
  static final List<String> REQUIRED_ENTRYPOINTS =
      List.of(PREFIX + "run", PREFIX + "enter", PREFIX + "gc", PREFIX + "stop");
  /** rkt treats a stage1 as supporting mutable pods only when all three are present; app/add is not checked. */
  static final List<String> MUTABLE_ENTRYPOINTS =
      List.of(PREFIX + "app/rm", PREFIX + "app/start", PREFIX + "app/stop");

  private Stage1Annotations() {}

  /** Everything under the prefix except the interface version names an entrypoint path. */
  static boolean isEntrypoint(String annotation) {
    return annotation.startsWith(PREFIX) && !annotation.equals(INTERFACE_VERSION);
  }
}
