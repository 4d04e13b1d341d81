package io.stage1xen.cli;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.lifecycle.Entrypoints;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.pod.DnsConfMode;
import io.stage1xen.pod.InsecureOptions;
import io.stage1xen.pod.NetList;
import io.stage1xen.pod.PrivateUsers;
import io.stage1xen.pod.RunParameters;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The coreos.com/rkt/stage1/run entrypoint, with every flag of interface versions 1 to 5 in rkt's
 * {@code --flag=value} form; the pod UUID comes last. {@code --ipc} (version 6) is not accepted: see
 * {@link io.stage1xen.appc.Stage1Interface}.
 */
@Command(name = "run", description = "rkt stage1 run entrypoint: runs the pod in its own Xen VM.",
    mixinStandardHelpOptions = true, sortOptions = false)
final class RunCommand extends EntrypointCommand<RunParameters> {
  @Option(names = "--debug", arity = "0..1", converter = ValueConverters.GoBool.class,
      description = "Log every decision to stderr.")
  boolean debug;

  @Option(names = "--net", paramLabel = "NETS", converter = ValueConverters.Net.class,
      description = "Networks: default, default-restricted, none, host, all, or name[:K=V;...] items.")
  NetList net;

  @Option(names = "--interactive", arity = "0..1", converter = ValueConverters.GoBool.class,
      description = "Connect the only app to this terminal.")
  boolean interactive;

  @Option(names = "--private-users", paramLabel = "START:COUNT", converter = ValueConverters.UidRange.class,
      description = "Host UID range of the pod's user namespace.")
  PrivateUsers privateUsers;

  @Option(names = "--mds-token", paramLabel = "TOKEN", description = "Metadata service token.")
  String mdsToken;

  @Option(names = "--local-config", paramLabel = "DIR", description = "rkt's local configuration directory.")
  Path localConfig;

  @Option(names = "--hostname", description = "The pod's hostname (interface version 2).")
  String hostname;

  @Option(names = "--dns-conf-mode", paramLabel = "resolv=MODE,hosts=MODE", converter = ValueConverters.DnsMode.class,
      description = "Where resolv.conf and hosts come from (interface version 4).")
  DnsConfMode dnsConfMode;

  @Option(names = "--disable-capabilities-restriction", arity = "0..1", converter = ValueConverters.GoBool.class,
      description = "Give apps all capabilities (interface version 3).")
  boolean disableCapabilities;

  @Option(names = "--disable-paths", arity = "0..1", converter = ValueConverters.GoBool.class,
      description = "Do not hide or protect /proc and /sys paths (interface version 3).")
  boolean disablePaths;

  @Option(names = "--disable-seccomp", arity = "0..1", converter = ValueConverters.GoBool.class,
      description = "Do not filter system calls (interface version 3).")
  boolean disableSeccomp;

  @Option(names = "--mutable", arity = "0..1", converter = ValueConverters.GoBool.class,
      description = "Start an empty pod that apps are added to later.")
  boolean mutable;

  @Parameters(index = "0", paramLabel = "UUID", converter = ValueConverters.Uuid.class, description = "The pod.")
  PodUuid uuid;

  RunCommand(Entrypoints entrypoints) {
    super(entrypoints);
  }

  @Override
  RunParameters parameters() {
    return new RunParameters(debug, net == null ? NetList.DEFAULT : net, interactive, Optional.ofNullable(privateUsers),
        Optional.ofNullable(mdsToken), Optional.ofNullable(localConfig), Optional.ofNullable(hostname),
        dnsConfMode == null ? DnsConfMode.DEFAULT : dnsConfMode,
        new InsecureOptions(disableCapabilities, disablePaths, disableSeccomp), mutable, uuid);
  }

  @Override
  Outcome call(Entrypoints entrypoints, RunParameters parameters) throws Exception {
    return entrypoints.run(parameters);
  }
}
