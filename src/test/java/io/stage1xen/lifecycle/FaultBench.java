package io.stage1xen.lifecycle;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.ExecResult;
import io.stage1xen.stage0.Stage0;
import io.stage1xen.testing.FakeHost;
import io.stage1xen.testing.MountNamespace;
import io.stage1xen.testing.TreeSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A pod that holds one of everything a run takes from the host — a domain, a bind-mounted host volume and an empty
 * volume (real mounts, in a private mount namespace), an address of rkt's default network (lease files of the IPAM
 * plugin), host rules (recorded) — so that a fault injected anywhere can be checked for what it leaves behind.
 * Operator settings make the failures quick: readiness 4 s, xl calls 3 s, stop grace 1 s. The namespace has a
 * /var/log of its own, where the fake xl and guests keep what xl and xenconsoled would in /var/log/xen.
 */
final class FaultBench implements AutoCloseable {
  /** Xen's log directory, inside the namespace. */
  static final String XEN_LOGS = "/var/log/xen";
  private static final Pattern LOG_LINE = Pattern.compile("(\\[[^]]*] )?(INFO|WARNING|WARN|DEBUG) ");

  final Path root;
  final FakeHost host;
  final MountNamespace ns;
  final Stage0 stage0;
  final Path config;
  final Path leases;
  final Path data;
  private TreeSnapshot baseline;

  FaultBench(Path root) throws Exception {
    this(root, null);
  }

  /** @param beforeSnapshot what to do in the namespace before the host's state is recorded (a tmpfs, say) */
  FaultBench(Path root, String[] beforeSnapshot) throws Exception {
    this.root = root.toRealPath();
    this.host = new FakeHost(this.root);
    this.ns = new MountNamespace();
    inNamespace("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", "/var/log");
    host.environment().put("FAKE_XEN_LOG_DIR", XEN_LOGS);
    this.stage0 = host.stage0In(ns);
    this.leases = Files.createDirectories(this.root.resolve("leases"));
    this.config = host.localConfig("readiness-timeout-seconds = 4\nxl-timeout-seconds = 3\nstop-grace-seconds = 1\n");
    Files.createDirectories(config.resolve("net.d"));
    Files.writeString(config.resolve("net.d/99-default.conf"), "{\"name\":\"default\",\"type\":\"ptp\",\"ipMasq\":true,"
        + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"172.16.28.0/24\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}],"
        + "\"dataDir\":\"" + leases + "\"}}");
    this.data = Files.createDirectories(this.root.resolve("host/data"));
    Files.writeString(data.resolve("keep"), "host data\n");
    Files.createDirectories(this.root.resolve("rkt"));
    if (beforeSnapshot != null) {
      inNamespace(beforeSnapshot);
    }
    this.baseline = snapshot();
  }

  /** A command in the test's mount namespace (as root); fails on a non-zero exit. */
  void inNamespace(String... argv) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(ns.enter());
    all.addAll(List.of(argv));
    Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(all + " failed: " + out);
    }
  }

  /** The fake xl, run as the pod's entrypoints run it (in the namespace, with the host's environment). */
  String xl(String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(ns.enter());
    all.add("env");
    host.environment().forEach((k, v) -> all.add(k + "=" + v));
    all.add("xl");
    all.addAll(List.of(args));
    Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("xl " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  /** A pod with one app (running the fake guest's ops), a host volume and an empty volume. */
  PodUuid prepare(String... ops) throws Exception {
    return prepareWith("", ops);
  }

  /** As {@link #prepare}, with {@code appFields} (e.g. isolators, starting with a comma) in the app's manifest. */
  PodUuid prepareWith(String appFields, String... ops) throws Exception {
    String app = TestPods.appWith("app", appFields, ",\"mounts\":[{\"volume\":\"data\",\"path\":\"/data\"},"
        + "{\"volume\":\"scratch\",\"path\":\"/scratch\"}]",
        TestPods.fakeExec(ops));
    String pod = TestPods.podWithVolumes("[{\"name\":\"data\",\"kind\":\"host\",\"source\":\"" + data + "\"},"
        + "{\"name\":\"scratch\",\"kind\":\"empty\"}]", app);
    PodUuid uuid = host.prepare(pod, stage0);
    baseline = snapshot(); // the files of the host once rkt prepared the pod: what run, stop and gc must keep
    return uuid;
  }

  String[] runFlags() {
    return new String[] {"--net=default", "--local-config=" + config};
  }

  ExecResult run(PodUuid uuid) throws Exception {
    return stage0.run(uuid, runFlags());
  }

  /** A stage0 whose commands (and so run, xl and the guests) get these extra environment variables. */
  Stage0 stage0With(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(host.environment());
    env.putAll(extra);
    return new Stage0(stage0.dataDir(), env, ns.enter());
  }

  Path podDirectory(PodUuid uuid, PodState state) {
    return host.podDirectory(uuid, state);
  }

  /** The error lines of an output: everything that is not a log line. */
  static List<String> errorLines(String stderr) {
    return stderr.lines().filter(l -> !l.isBlank() && !LOG_LINE.matcher(l).lookingAt()).toList();
  }

  /** What of the pod is still on the host: domains, mounts below the pods, leases, files changed outside pods. */
  List<String> leftovers() throws IOException {
    List<String> out = new ArrayList<>();
    host.liveDomains().forEach(d -> out.add("domain " + d));
    ns.mountsUnder(root.resolve("rkt")).stream().filter(m -> !m.equals(root.resolve("rkt")))
        .forEach(m -> out.add("mount " + m));
    try (Stream<Path> s = Files.walk(leases)) {
      s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().matches("[0-9.]+"))
          .forEach(p -> out.add("lease " + p.getFileName()));
    }
    snapshot().changesSince(baseline).forEach(c -> out.add("outside the pod: " + c));
    return out;
  }

  private TreeSnapshot snapshot() {
    return TreeSnapshot.of(root, Set.of(root.resolve("rkt"), root.resolve("xen-state"), leases));
  }

  @Override
  public void close() {
    ns.close();
    for (String d : quietly(host::liveDomains)) {
      try {
        ProcessHandle.of(host.guestPid(d)).ifPresent(ProcessHandle::destroyForcibly);
      } catch (IOException e) {
        // gone meanwhile
      }
    }
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  private static List<String> quietly(IoSupplier<List<String>> s) {
    try {
      return s.get();
    } catch (IOException e) {
      return List.of();
    }
  }
}
