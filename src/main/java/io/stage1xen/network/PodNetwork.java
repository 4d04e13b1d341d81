package io.stage1xen.network;

import io.stage1xen.inet.MacAddress;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.AtomicFile;
import io.stage1xen.pod.NetList;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pod's networks on the host, from selection to release. {@link #prepare} only reads and checks (an invalid
 * configuration never touches the host); {@link #attach} allocates the addresses and adds the rules that need no
 * domain; {@link #configureVifs} configures dom0's end of each vif once the domain exists; {@link #release} and
 * {@link #collect} give everything back, from {@code <pod>/xen/network.json}.
 */
public final class PodNetwork {
  private static final Logger LOG = LoggerFactory.getLogger(PodNetwork.class);
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private final String uuid;
  private final List<SelectedNetwork> networks;
  private final List<PortForward> forwards;
  private final Path plugin;
  private final PodLayout layout;
  private final ProcessRunner runner;
  private final List<Attachment> attached = new ArrayList<>();
  private NetworkState state;

  private PodNetwork(String uuid, List<SelectedNetwork> networks, List<PortForward> forwards, Path plugin,
      PodLayout layout, ProcessRunner runner) {
    this.uuid = uuid;
    this.networks = List.copyOf(networks);
    this.forwards = List.copyOf(forwards);
    this.plugin = plugin;
    this.layout = layout;
    this.runner = runner;
  }

  /** Selects and checks the networks and ports; nothing on the host changes. */
  public static PodNetwork prepare(String uuid, NetList net, Path localConfig, List<PortForward> forwards,
      Path plugin, PodLayout layout, ProcessRunner runner) throws IOException {
    List<SelectedNetwork> selected = NetworkSelection.select(net, localConfig);
    if (selected.isEmpty() && !forwards.isEmpty()) {
      throw new Stage1Failure(layout.podManifest() + ": ports: forwarding port '" + forwards.get(0).name()
          + "' needs a contained network, but --net=" + net.raw() + " gives the pod none");
    }
    if (!selected.isEmpty() && !Files.isExecutable(plugin)) {
      throw new Stage1Failure("the CNI IPAM plugin " + plugin + " is missing from the stage1 image"
          + " (rebuild it with build.sh, which bundles host-local)");
    }
    return new PodNetwork(uuid, selected, forwards, plugin, layout, runner);
  }

  public static Path stateFile(PodLayout layout) {
    return layout.xenDirectory().resolve(NetworkState.FILE);
  }

  public boolean isEmpty() {
    return networks.isEmpty();
  }

  public List<SelectedNetwork> networks() {
    return networks;
  }

  /** A stable, locally administered unicast MAC for interface {@code index}: guest and host agree on it. */
  public static MacAddress mac(String podUuid, int index) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest((podUuid + "/" + index).getBytes(StandardCharsets.US_ASCII));
      h[0] = 0x02;
      return new MacAddress(HexFormat.ofDelimiter(":").formatHex(h, 0, 6));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  public List<MacAddress> macs() {
    List<MacAddress> out = new ArrayList<>();
    for (int i = 0; i < networks.size(); i++) {
      out.add(mac(uuid, i));
    }
    return out;
  }

  /**
   * Allocates an address on every network (CNI ADD), copies the configurations into the pod, writes net-info.json
   * and adds the NAT and port-forwarding rules. The state file is written before each step acts, so that a crash at
   * any point leaves what gc needs to release exactly what was taken.
   */
  public List<Attachment> attach() throws IOException, ProcessException, InterruptedException {
    if (networks.isEmpty()) {
      return List.of();
    }
    CniIpam ipam = new CniIpam(runner, COMMAND_TIMEOUT);
    List<CniCall> calls = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < networks.size(); i++) {
      SelectedNetwork n = networks.get(i);
      calls.add(new CniCall(plugin.toString(), uuid, "xen-domain:rkt-" + uuid, Attachment.ifName(i).toString(),
          n.args(), n.config().ipamInput()));
      names.add(n.name());
    }
    state = new NetworkState(uuid, calls, names, List.of());
    state.write(stateFile(layout));
    List<String> confPaths = new ArrayList<>();
    Path confDir = Files.createDirectories(layout.xenDirectory().resolve("net"));
    for (int i = 0; i < networks.size(); i++) {
      SelectedNetwork n = networks.get(i);
      IpamResult r = ipam.add(calls.get(i), n.name());
      Attachment a = new Attachment(i, n, mac(uuid, i), calls.get(i), r);
      attached.add(a);
      LOG.debug("network {}: {} gets {} (gateway {}, mac {})", n.name(), a.ifName(), r.address(), a.gateway(),
          a.mac());
      Path copy = confDir.resolve(n.name() + ".conf");
      AtomicFile.replace(copy, n.text(), StandardCharsets.UTF_8);
      confPaths.add(layout.root().relativize(copy).toString());
    }
    List<List<String>> undo = HostCommands.tearDown(uuid, attached, forwards);
    state = state.withUndo(undo);
    state.write(stateFile(layout));
    for (List<String> argv : HostCommands.setUp(uuid, attached, forwards)) {
      run(argv);
    }
    AtomicFile.replace(layout.netInfo(), NetInfo.render(attached, confPaths), StandardCharsets.UTF_8);
    return List.copyOf(attached);
  }

  /**
   * dom0's end of each vif ({@code vif<domid>.<i>}) and its filter, once {@code xl create} has made the domain and
   * before it is unpaused: the guest never runs without the filter on its interfaces.
   */
  public void configureVifs(int domid) throws ProcessException, InterruptedException {
    for (Attachment a : attached) {
      for (List<String> argv : HostCommands.vif(vifName(domid, a.index()), a)) {
        run(argv);
      }
    }
  }

  public static String vifName(int domid, int index) {
    return "vif" + domid + "." + index;
  }

  /** The resolv.conf of the first network that has DNS settings: the IPAM result's, else its configuration's. */
  public Optional<String> resolvConf() {
    for (Attachment a : attached) {
      Optional<Dns> dns = a.result().dns().or(() -> a.config().dns());
      if (dns.isPresent()) {
        return Optional.of(dns.get().resolvConf(a.network().name()));
      }
    }
    return Optional.empty();
  }

  /** Gives back what {@link #attach} took; safe to call when it never ran or failed half-way. */
  public void release() {
    try {
      collect(layout, runner);
    } catch (IOException e) {
      LOG.warn("could not release the networks of pod {}: {} (run 'rkt gc' to retry)", uuid, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * gc's part: removes the recorded rules and releases every recorded address (DEL with ADD's arguments), then the
   * state file. Idempotent: whatever is already gone is skipped, and without a state file nothing runs.
   *
   * @return whether there was anything to release
   */
  public static boolean collect(PodLayout layout, ProcessRunner runner) throws IOException, InterruptedException {
    Path file = stateFile(layout);
    Optional<NetworkState> found = NetworkState.read(file);
    if (found.isEmpty()) {
      return false;
    }
    NetworkState s = found.get();
    boolean clean = true;
    for (List<String> argv : s.undo()) {
      clean &= undo(runner, argv);
    }
    CniIpam ipam = new CniIpam(runner, COMMAND_TIMEOUT);
    for (int i = 0; i < s.ipam().size(); i++) {
      try {
        ipam.del(s.ipam().get(i), s.networks().get(i));
        LOG.debug("network {}: address of {} released", s.networks().get(i), s.ipam().get(i).ifName());
      } catch (ProcessException | Stage1Failure e) {
        LOG.warn("{}", e.getMessage());
        clean = false;
      }
    }
    if (clean) {
      Files.deleteIfExists(file);
    } else {
      LOG.warn("some networking of pod {} could not be released; {} is kept for the next 'rkt gc'", s.pod(), file);
    }
    return true;
  }

  private static boolean undo(ProcessRunner runner, List<String> argv) throws InterruptedException {
    try {
      ExecResult r = runner.run(Command.of(COMMAND_TIMEOUT, argv));
      if (r.succeeded()) {
        return true;
      }
      String err = r.stderr();
      if (err.contains("No chain/target/match") || err.contains("does a matching rule exist")
          || err.contains("Bad rule") || err.contains("does not exist") || err.contains("No such file")) {
        LOG.debug("already gone: {}", r.command().display());
        return true;
      }
      LOG.warn("'{}' failed: {}", r.command().display(), r.outputTail());
      return false;
    } catch (ProcessException e) {
      LOG.warn("{}", e.getMessage());
      return false;
    }
  }

  private void run(List<String> argv) throws ProcessException, InterruptedException {
    ExecResult r = runner.run(Command.of(COMMAND_TIMEOUT, argv));
    if (!r.succeeded()) {
      if (HostCommands.mayAlreadyExist(argv) && r.stderr().contains("File exists")) {
        return;
      }
      throw new Stage1Failure("setting up the pod's networking on the host failed: '"
          + r.command().display() + "' exited with " + r.exitCode() + ": " + r.outputTail());
    }
  }
}
