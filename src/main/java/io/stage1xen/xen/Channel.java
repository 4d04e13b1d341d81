package io.stage1xen.xen;

import io.stage1xen.outcome.Stage1Failure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named PV console ({@code channel=}) whose dom0 end is a UNIX socket that QEMU creates. The guest sees channel
 * entry i as {@code /dev/hvc<i>}; Xen 4.17 never connects entry 0, so {@link #forControl} puts a placeholder first.
 */
public record Channel(String name, Path socket) {
  public static final String CONTROL_NAME = "stage1-xen-ctl";
  public static final String PLACEHOLDER_NAME = "stage1-xen-unused";
  /** sun_path holds 108 bytes including the terminating NUL. */
  static final int MAX_SOCKET_PATH_BYTES = 107;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public Channel {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new Stage1Failure("channel name '" + XlSyntax.show(name) + "' is invalid (expected "
          + NAME.pattern() + ")");
    }
    Objects.requireNonNull(socket, "channel socket");
    String p = socket.toString();
    if (!socket.isAbsolute()) {
      throw new Stage1Failure("channel " + name + ": socket path '" + XlSyntax.show(p)
          + "' must be absolute");
    }
    XlSyntax.specValue("channel " + name + " socket path", p);
    if (p.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
      throw new Stage1Failure("channel " + name + ": socket path '" + XlSyntax.show(p) + "' is longer than"
          + " the " + MAX_SOCKET_PATH_BYTES + " bytes a UNIX socket path may have (shorten the rkt data directory)");
    }
  }

  /** The placeholder (entry 0, never reaches the guest) and the control channel (entry 1, the guest's hvc1). */
  public static List<Channel> forControl(Path xenDir) {
    return List.of(new Channel(PLACEHOLDER_NAME, xenDir.resolve("unused.sock")),
        new Channel(CONTROL_NAME, xenDir.resolve("ctl.sock")));
  }

  /** The device spec inside {@code channel=[ … ]}. */
  String spec() {
    return "name=" + name + ",connection=socket,path=" + socket;
  }
}
