package io.stage1xen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.appc.Stage1Interface;
import io.stage1xen.lifecycle.RecordingEntrypoints;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.pod.DnsConfMode;
import io.stage1xen.pod.DnsConfMode.Hosts;
import io.stage1xen.pod.DnsConfMode.Resolv;
import io.stage1xen.pod.InsecureOptions;
import io.stage1xen.pod.NetList;
import io.stage1xen.pod.NetworkRequest;
import io.stage1xen.pod.PrivateUsers;
import io.stage1xen.pod.RunParameters;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every run entrypoint argv the rkt 1.30.0 contract lists, parsed into the exact parameters. */
class RunCommandTest {
  static final String UUID = "f31ac7c7-0f1b-4b6c-a0ab-3b9c1bb0d4a2";
  static final String ARGV0 = "/var/lib/rkt/pods/run/" + UUID + "/stage1/rootfs/run";
  static final PodUuid POD = PodUuid.of(UUID);
  static final Optional<Path> ETC_RKT = Optional.of(Path.of("/etc/rkt"));

  /** {@code rkt run hello.aci}: the parameters every other case differs from. */
  static RunParameters base() {
    return new RunParameters(false, NetList.DEFAULT, false, Optional.empty(), Optional.empty(), ETC_RKT,
        Optional.empty(), DnsConfMode.DEFAULT, InsecureOptions.NONE, false, POD);
  }

  static RunParameters with(boolean debug, NetList net, boolean interactive, Optional<PrivateUsers> users,
      Optional<String> hostname, DnsConfMode dns, InsecureOptions insecure, boolean mutable) {
    return new RunParameters(debug, net, interactive, users, Optional.empty(), ETC_RKT, hostname, dns, insecure,
        mutable, POD);
  }

  static Stream<Arguments> contractTable() {
    NetList def = NetList.DEFAULT;
    DnsConfMode dns = DnsConfMode.DEFAULT;
    InsecureOptions none = InsecureOptions.NONE;
    Optional<PrivateUsers> noUsers = Optional.empty();
    Optional<String> noHost = Optional.empty();
    return Stream.of(
        Arguments.of("run hello.aci", List.of("--net=default", "--local-config=/etc/rkt", UUID), base()),
        Arguments.of("--debug run", List.of("--debug", "--net=default", "--local-config=/etc/rkt", UUID),
            with(true, def, false, noUsers, noHost, dns, none, false)),
        Arguments.of("run --net=host", List.of("--net=host", "--local-config=/etc/rkt", UUID),
            with(false, NetList.parse("host"), false, noUsers, noHost, dns, none, false)),
        Arguments.of("run --net=none", List.of("--net=none", "--local-config=/etc/rkt", UUID),
            with(false, NetList.parse("none"), false, noUsers, noHost, dns, none, false)),
        Arguments.of("run --net=foo:IP=10.1.2.3,bar",
            List.of("--net=foo:IP=10.1.2.3,bar", "--local-config=/etc/rkt", UUID),
            with(false, new NetList("foo:IP=10.1.2.3,bar", List.of(
                new NetworkRequest("foo", Optional.of("IP=10.1.2.3")), NetworkRequest.of("bar"))),
                false, noUsers, noHost, dns, none, false)),
        Arguments.of("run --interactive", List.of("--net=default", "--interactive", "--local-config=/etc/rkt", UUID),
            with(false, def, true, noUsers, noHost, dns, none, false)),
        Arguments.of("run --hostname=myhost",
            List.of("--net=default", "--local-config=/etc/rkt", "--hostname=myhost", UUID),
            with(false, def, false, noUsers, Optional.of("myhost"), dns, none, false)),
        Arguments.of("run --dns=8.8.8.8 --dns-search=… (resolv=stage0)",
            List.of("--net=default", "--local-config=/etc/rkt", "--dns-conf-mode=resolv=stage0,hosts=default", UUID),
            with(false, def, false, noUsers, noHost, new DnsConfMode(Resolv.STAGE0, Hosts.DEFAULT), none, false)),
        Arguments.of("run --dns=host --hosts-entry=host",
            List.of("--net=default", "--local-config=/etc/rkt", "--dns-conf-mode=resolv=host,hosts=host", UUID),
            with(false, def, false, noUsers, noHost, new DnsConfMode(Resolv.HOST, Hosts.HOST), none, false)),
        Arguments.of("run --dns=none --hosts-entry=1.2.3.4=foo.example",
            List.of("--net=default", "--local-config=/etc/rkt", "--dns-conf-mode=resolv=none,hosts=stage0", UUID),
            with(false, def, false, noUsers, noHost, new DnsConfMode(Resolv.NONE, Hosts.STAGE0), none, false)),
        Arguments.of("--insecure-options=image,ondisk,all-run run",
            List.of("--net=default", "--local-config=/etc/rkt", "--disable-capabilities-restriction",
                "--disable-paths", "--disable-seccomp", UUID),
            with(false, def, false, noUsers, noHost, dns, new InsecureOptions(true, true, true), false)),
        Arguments.of("run --no-overlay --private-users",
            List.of("--net=default", "--private-users=229900288:65536", "--local-config=/etc/rkt", UUID),
            with(false, def, false, Optional.of(new PrivateUsers(229900288L, 65536L)), noHost, dns, none, false)),
        Arguments.of("app sandbox", List.of("--net=default", "--local-config=/etc/rkt", "--mutable", UUID),
            with(false, def, false, noUsers, noHost, dns, none, true)),
        Arguments.of("run --hostname=h --dns=1.1.1.1 with a v1 stage1",
            List.of("--net=default", "--local-config=/etc/rkt", UUID), base()),
        Arguments.of("run-prepared --net=host --interactive --hostname=ph",
            List.of("--net=host", "--interactive", "--hostname=ph", UUID),
            new RunParameters(false, NetList.parse("host"), true, noUsers, Optional.empty(), Optional.empty(),
                Optional.of("ph"), dns, none, false, POD)),
        Arguments.of("run --volume/--mount/--set-env/… (all in the manifest)",
            List.of("--net=default", "--local-config=/etc/rkt", UUID), base()),
        Arguments.of("--mds-token [code]",
            List.of("--net=default", "--mds-token=3c9f8a0e", "--local-config=/etc/rkt", UUID),
            new RunParameters(false, def, false, noUsers, Optional.of("3c9f8a0e"), ETC_RKT, noHost, dns, none, false,
                POD)),
        Arguments.of("no flags at all", List.of(UUID), RunParameters.defaults(POD)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contractTable")
  void contractArgv(String rktCommand, List<String> argv, RunParameters expected) {
    RecordingEntrypoints calls = new RecordingEntrypoints();
    CliRun run = CliRun.of(calls, ARGV0, argv.toArray(String[]::new));
    assertEquals("", run.err());
    assertEquals(0, run.exitCode());
    assertEquals(expected, calls.only());
  }

  /** The run flags each interface version adds (rkt's stage0 passes a flag only to stage1s of that version). */
  static final Map<Integer, List<String>> FLAGS_BY_VERSION = Map.of(
      1, List.of("--debug", "--net=default", "--interactive", "--private-users=1:2", "--mds-token=t",
          "--local-config=/etc/rkt", "--mutable"),
      2, List.of("--hostname=h"),
      3, List.of("--disable-capabilities-restriction", "--disable-paths", "--disable-seccomp"),
      4, List.of("--dns-conf-mode=resolv=host,hosts=host"),
      6, List.of("--ipc=parent"));

  @Test
  void theDeclaredInterfaceVersionIsWhatRunAccepts() {
    for (Map.Entry<Integer, List<String>> e : FLAGS_BY_VERSION.entrySet()) {
      for (String flag : e.getValue()) {
        RecordingEntrypoints calls = new RecordingEntrypoints();
        CliRun run = CliRun.of(calls, ARGV0, flag, UUID);
        boolean supported = e.getKey() <= Stage1Interface.VERSION;
        assertEquals(supported ? 0 : 2, run.exitCode(), flag + " (version " + e.getKey() + "): " + run.err());
        assertEquals(supported ? 1 : 0, calls.calls.size(), flag);
      }
    }
  }

  @Test
  void goStyleBooleanValues() {
    RecordingEntrypoints calls = new RecordingEntrypoints();
    CliRun run = CliRun.of(calls, ARGV0, "--debug=false", "--net=default", "--interactive=true", "--mutable=false",
        "--disable-paths=true", UUID);
    assertEquals(0, run.exitCode(), run.err());
    RunParameters p = (RunParameters) calls.only();
    assertEquals(List.of(false, true, false, true), List.of(p.debug(), p.interactive(), p.mutable(),
        p.insecureOptions().disablePaths()));
  }

  @Test
  void theExitCodeIsTheEntrypoints() {
    assertEquals(7, CliRun.of(new RecordingEntrypoints(Outcome.exited(7)), ARGV0, "--net=default", UUID).exitCode());
  }

  @Test
  void subcommandFormIsTheSame() {
    RecordingEntrypoints calls = new RecordingEntrypoints();
    CliRun.of(calls, "/usr/bin/stage1-xen", "run", "--net=default", "--local-config=/etc/rkt", UUID);
    assertEquals(base(), calls.only());
  }
}
