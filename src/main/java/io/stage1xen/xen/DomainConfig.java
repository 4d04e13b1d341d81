package io.stage1xen.xen;

import io.stage1xen.host.GuestTypeRendering;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything xl.cfg says about a pod's domain. Validated on construction, so that {@link XlConfigRenderer} can only
 * ever render a config xl reads back as meant. The lifecycle actions are not fields: every one is
 * {@code destroy} (see {@link XlConfigRenderer}).
 */
public record DomainConfig(
    String name,
    GuestTypeRendering guestType,
    Path kernel,
    Optional<Path> ramdisk,
    String cmdline,
    long memoryMib,
    long maxmemMib,
    int vcpus,
    List<P9Share> p9,
    List<Vif> vifs,
    List<Channel> channels,
    List<XlSetting> extra) {

  /** Fixed words only (never pod data): x86 Linux keeps 2048 bytes of command line. */
  private static final Pattern CMDLINE = Pattern.compile("[A-Za-z0-9 ._=/:,+@-]{0,2047}");

  public DomainConfig {
    DomainName.check(name);
    Objects.requireNonNull(guestType, "guestType");
    kernel = absolute("kernel", kernel);
    ramdisk = Objects.requireNonNull(ramdisk, "ramdisk").map(p -> absolute("ramdisk", p));
    if (cmdline == null || !CMDLINE.matcher(cmdline).matches()) {
      throw new Stage1Failure("kernel command line '" + XlSyntax.show(cmdline) + "' has characters outside "
          + CMDLINE.pattern() + " (pod data never goes on the command line)");
    }
    if (memoryMib < 1 || memoryMib > (1L << 30)) {
      throw new Stage1Failure("memory " + memoryMib + " MiB is out of range");
    }
    if (maxmemMib < memoryMib || maxmemMib > (1L << 30)) {
      throw new Stage1Failure("maxmem " + maxmemMib + " MiB must be between memory (" + memoryMib
          + " MiB) and 2^30 MiB");
    }
    if (vcpus < 1 || vcpus > 4096) {
      throw new Stage1Failure("vcpus " + vcpus + " is out of range 1..4096");
    }
    p9 = List.copyOf(p9);
    vifs = List.copyOf(vifs);
    channels = List.copyOf(channels);
    extra = List.copyOf(extra);
    unique("p9 tag", p9.stream().map(P9Share::tag).toList());
    unique("channel name", channels.stream().map(Channel::name).toList());
    unique("channel socket", channels.stream().map(c -> c.socket().toString()).toList());
    unique("extra xl key", extra.stream().map(XlSetting::key).toList());
    for (XlSetting s : extra) {
      if (XlKeyPolicy.isOwned(s.key())) {
        throw new Stage1Failure(s.source() + ": key '" + s.key() + "' is written by stage1-xen itself");
      }
    }
  }

  private static Path absolute(String field, Path p) {
    Objects.requireNonNull(p, field);
    if (!p.isAbsolute()) {
      throw new Stage1Failure(field + " path '" + XlSyntax.show(p.toString()) + "' must be absolute");
    }
    XlSyntax.quote(field, p.toString());
    return p;
  }

  private static void unique(String what, List<String> values) {
    Set<String> seen = new HashSet<>();
    for (String v : values) {
      if (!seen.add(v)) {
        throw new Stage1Failure("duplicate " + what + " '" + XlSyntax.show(v) + "'");
      }
    }
  }
}
