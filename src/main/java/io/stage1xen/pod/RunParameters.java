package io.stage1xen.pod;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What rkt passes to the run entrypoint (interface versions 1 to 5), in the order of its argv template:
 * {@code [--debug] --net=... [--interactive] [--private-users=S:C] [--mds-token=T] [--local-config=DIR]
 * [--hostname=H] [--dns-conf-mode=...] [--disable-*] [--mutable] <uuid>}.
 */
public record RunParameters(
    boolean debug,
    NetList net,
    boolean interactive,
    Optional<PrivateUsers> privateUsers,
    Optional<String> mdsToken,
    Optional<Path> localConfig,
    Optional<String> hostname,
    DnsConfMode dnsConfMode,
    InsecureOptions insecureOptions,
    boolean mutable,
    PodUuid uuid) {

  public RunParameters {
    net = net == null ? NetList.DEFAULT : net;
    privateUsers = orEmpty(privateUsers);
    mdsToken = orEmpty(mdsToken).map(t -> EntrypointValues.token(t, "--mds-token"));
    localConfig = orEmpty(localConfig).map(p -> EntrypointValues.path(p, "--local-config"));
    hostname = orEmpty(hostname).map(EntrypointValues::hostname);
    dnsConfMode = dnsConfMode == null ? DnsConfMode.DEFAULT : dnsConfMode;
    insecureOptions = insecureOptions == null ? InsecureOptions.NONE : insecureOptions;
    if (uuid == null) {
      throw new Stage1Failure("the pod UUID is required");
    }
  }

  /** What {@code rkt run} passes when given no options: {@code --net=default <uuid>} (no local config). */
  public static RunParameters defaults(PodUuid uuid) {
    return new RunParameters(false, NetList.DEFAULT, false, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), DnsConfMode.DEFAULT, InsecureOptions.NONE, false, uuid);
  }

  private static <T> Optional<T> orEmpty(Optional<T> o) {
    return o == null ? Optional.empty() : o;
  }
}
