package io.stage1xen.appc;

import java.util.List;

/** A command run around an app: {@code pre-start} before it starts, {@code post-stop} after it ends. */
public record EventHandler(String name, List<String> exec) {
  public static final String PRE_START = "pre-start";
  public static final String POST_STOP = "post-stop";

  public EventHandler {
    if (name == null || name.isEmpty()) {
      throw InvalidValueException.withoutValue("name", "is required (pre-start or post-stop)");
    }
    if (!name.equals(PRE_START) && !name.equals(POST_STOP)) {
      throw new InvalidValueException("name", "unknown event handler (pre-start or post-stop)", name);
    }
    exec = ImmutableCopies.strings(exec, "exec");
    if (exec.isEmpty()) {
      throw InvalidValueException.withoutValue("exec", "an event handler needs a command");
    }
  }
}
