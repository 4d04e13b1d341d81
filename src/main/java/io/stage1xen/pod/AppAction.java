package io.stage1xen.pod;

import java.util.Locale;

/** The four crossing entrypoints of mutable pods, {@code coreos.com/rkt/stage1/app/<action>}. */
public enum AppAction {
  ADD,
  START,
  STOP,
  RM;

  /** The entrypoint's name, as in {@code app/add}. */
  public String entrypoint() {
    return "app/" + name().toLowerCase(Locale.ROOT);
  }
}
