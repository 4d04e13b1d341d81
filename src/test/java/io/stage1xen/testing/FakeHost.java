package io.stage1xen.testing;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.stage0.Stage0;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A Xen host for end-to-end tests, made of test doubles only where Xen is needed: the fake {@code xl} (first on
 * PATH) with fake guests, a stage1 image whose entrypoints run this build of stage1-xen on the JVM, and rkt's stage0
 * emulated by tests/stage0/stage0. Everything lives under one temporary directory. Every pod bind-mounts its apps'
 * roots in dom0, so {@link #stage0()} runs in a private mount namespace of this host ({@link MountNamespace}: root,
 * unshare and nsenter; a test without them is skipped), which {@link #close()} ends.
 */
public final class FakeHost implements AutoCloseable {
  public static final String JSON_APP = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/%s\","
      + "\"labels\":[{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"amd64\"}]}";

  private final Path root;
  private final Path state;
  private final Path stage1;
  private final Map<String, String> environment = new HashMap<>();
  private final Stage0 stage0;
  private MountNamespace namespace;

  /**
   * With the system property {@code stage1xen.aci} set (the native tier), pods use that built image; otherwise a
   * stage1 whose entrypoints run this build on the JVM.
   */
  public FakeHost(Path root) throws IOException {
    this.root = root;
    this.state = Files.createDirectories(root.resolve("xen-state"));
    Path bin = Files.createDirectories(root.resolve("bin"));
    copyResource("/fake-xen/xl", bin.resolve("xl"));
    for (String tool : List.of("ip", "tc", "iptables", "sysctl")) {
      copyResource("/fake-xen/host-tool", bin.resolve(tool));
    }
    copyResource("/host/xl-info-4.17-hvm-real.txt", state.resolve("xl-info"));
    Optional<Path> image = builtImage();
    this.stage1 = image.isPresent() ? image.get() : buildStage1(root.resolve("stage1"));
    environment.put("PATH", bin + ":" + System.getenv("PATH"));
    environment.put("FAKE_XEN_STATE", state.toString());
    environment.put("FAKE_XEN_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    environment.put("FAKE_XEN_CLASSPATH", classPath());
    this.stage0 = new Stage0(root.resolve("rkt"), environment);
  }

  /** The built image under test in the native tier (-Dstage1xen.aci). */
  public static Optional<Path> builtImage() {
    String aci = System.getProperty("stage1xen.aci");
    return aci == null || aci.isEmpty() ? Optional.empty() : Optional.of(Path.of(aci).toAbsolutePath());
  }

  /** rkt's stage0 for this host, in its mount namespace (made on first use). */
  public Stage0 stage0() throws IOException, InterruptedException {
    return stage0In(namespace());
  }

  /** The mount namespace the pods of {@link #stage0()} run in. */
  public MountNamespace namespace() throws IOException, InterruptedException {
    if (namespace == null) {
      Assumptions.assumeTrue(MountNamespace.available(),
          "pods bind-mount their apps' roots: the end-to-end tests need root, unshare and nsenter");
      namespace = new MountNamespace();
    }
    return namespace;
  }

  /** Ends the mount namespace, and with it every mount a pod left. */
  @Override
  public void close() {
    if (namespace != null) {
      namespace.close();
      namespace = null;
    }
  }

  /** A stage0 of this host whose commands (and so the entrypoints, xl and the guests) run in a mount namespace. */
  public Stage0 stage0In(MountNamespace ns) {
    return new Stage0(stage0.dataDir(), environment, ns.enter());
  }

  public Map<String, String> environment() {
    return environment;
  }

  /** A local-config directory (rkt's --local-config) with this host.conf content. */
  public Path localConfig(String hostConf) throws IOException {
    Path dir = Files.createDirectories(root.resolve("etc-rkt").resolve("stage1-xen"));
    Files.writeString(dir.resolve("host.conf"), hostConf, StandardCharsets.UTF_8);
    return dir.getParent();
  }

  /** Prepares a pod from a pod manifest whose apps use empty images named after them. */
  public PodUuid prepare(String podManifestJson) throws Exception {
    return prepare(podManifestJson, stage0);
  }

  /** As {@link #prepare(String)}, through the given stage0 (one that runs in a mount namespace, say). */
  public PodUuid prepare(String podManifestJson, Stage0 through) throws Exception {
    PodUuid uuid = PodUuid.of(UUID.randomUUID().toString());
    Path manifest = root.resolve("pod-" + uuid + ".json");
    Files.writeString(manifest, podManifestJson, StandardCharsets.UTF_8);
    Map<String, Path> apps = new LinkedHashMap<>();
    for (String app : appNames(podManifestJson)) {
      Path image = Files.createDirectories(root.resolve("images").resolve(app));
      Files.createDirectories(image.resolve("rootfs"));
      Files.writeString(image.resolve("manifest"), String.format(JSON_APP, app), StandardCharsets.UTF_8);
      apps.put(app, image);
    }
    through.prepare(uuid, stage1, manifest, apps);
    return uuid;
  }

  public Path podDirectory(PodUuid uuid, PodState state) {
    return stage0.podDirectory(uuid, state);
  }

  /** Every xl command line the pod's entrypoints ran, in order. */
  public List<String> xlCalls() throws IOException {
    Path log = state.resolve("argv.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** Every dom0 network command (ip, tc, iptables, sysctl) the pod's entrypoints ran, in order. */
  public List<String> hostCalls() throws IOException {
    Path log = state.resolve("host.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** Every IPAM call: "COMMAND containerid ifname args config". */
  public List<String> ipamCalls() throws IOException {
    Path log = state.resolve("cni.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** Domains whose fake guest is still alive. */
  public List<String> liveDomains() throws IOException {
    List<String> out = new ArrayList<>();
    Path dir = state.resolve("domains");
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        List<String> lines;
        try {
          lines = Files.readAllLines(f);
        } catch (java.nio.file.NoSuchFileException e) {
          continue; // its guest ended while the directory was read
        }
        if (lines.isEmpty()) {
          continue; // being written by a guest that is starting
        }
        long pid = Long.parseLong(lines.get(0));
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          out.add(f.getFileName().toString());
        }
      }
    }
    return out;
  }

  /** The pid of a domain's fake guest (the process that stands for QEMU and the VM). */
  public long guestPid(String domain) throws IOException {
    return Long.parseLong(Files.readAllLines(state.resolve("domains").resolve(domain)).get(0));
  }

  /** Makes an xl subcommand fail with this stderr, or hang, from now on. */
  public void failXl(String subcommand, String stderr) throws IOException {
    Files.writeString(state.resolve("fail-" + subcommand), stderr);
  }

  public void hangXl(String subcommand) throws IOException {
    Files.writeString(state.resolve("hang-" + subcommand), "");
  }

  /**
   * Injects a fault into the {@code call}-th call (from 1; 0 for every call) of an xl subcommand: {@code fail},
   * {@code hang}, {@code crash}, and for create {@code fail-after} and {@code hang-after} (see the fake xl).
   */
  public void faultXl(String subcommand, String mode, int call, String stderr) throws IOException {
    Files.writeString(state.resolve("fault-" + subcommand), mode + (call > 0 ? " " + call : "") + "\n");
    if (stderr != null) {
      Files.writeString(state.resolve("fault-" + subcommand + ".msg"), stderr);
    }
  }

  /** Makes the next calls of an xl subcommand wait, before doing anything, until {@link #resumeXl}. */
  public void pauseXl(String subcommand) throws IOException {
    Files.deleteIfExists(state.resolve("paused-" + subcommand));
    Files.writeString(state.resolve("pause-" + subcommand), "");
  }

  /** The pid of the process that called the paused subcommand (the run entrypoint), once it is waiting there. */
  public long awaitPausedXl(String subcommand, Duration timeout) throws Exception {
    Path paused = state.resolve("paused-" + subcommand);
    if (!eventually(timeout, () -> Files.exists(paused))) {
      throw new AssertionError("xl " + subcommand + " was never called; calls: " + xlCalls());
    }
    return Long.parseLong(Files.readString(paused).strip());
  }

  public void resumeXl(String subcommand) throws IOException {
    Files.deleteIfExists(state.resolve("pause-" + subcommand));
  }

  /** What {@code xl info} reports as free_memory before any domain exists. */
  public void setFreeMemoryMib(long mib) throws IOException {
    Path info = state.resolve("xl-info");
    Files.writeString(info, Files.readString(info).replaceAll("(?m)^(free_memory\\s*:\\s*)\\d+", "$1" + mib));
  }

  /** The fake Xen's own files (domains, call logs, fault switches). */
  public Path xenState() {
    return state;
  }

  /** Waits until a condition holds, polling; false after the timeout. */
  public static boolean eventually(Duration timeout, Check check) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (check.holds()) {
        return true;
      }
      Thread.sleep(50);
    }
    return check.holds();
  }

  /** A condition for {@link #eventually}. */
  public interface Check {
    boolean holds() throws Exception;
  }

  private static List<String> appNames(String podManifestJson) {
    List<String> names = new ArrayList<>();
    var m = java.util.regex.Pattern.compile("\\{\"name\":\"([a-z0-9-]+)\",\"image\"").matcher(podManifestJson);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Path buildStage1(Path dir) throws IOException {
    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    Files.createDirectories(rootfs.resolve("stage1-xen/guest"));
    Files.writeString(rootfs.resolve("stage1-xen/guest/kernel"), "fake kernel");
    Files.writeString(rootfs.resolve("stage1-xen/guest/initrd"), "fake initrd");
    Files.createDirectories(rootfs.resolve("stage1-xen/cni"));
    copyResource("/fake-xen/host-local", rootfs.resolve("stage1-xen/cni/host-local"));
    Files.createDirectories(rootfs.resolve("stage1-xen/libexec"));
    Files.copy(Path.of("stage1/net/vif-hotplug"), rootfs.resolve("stage1-xen/libexec/vif-hotplug"));
    Files.createDirectories(rootfs.resolve("rkt/status"));
    Files.createDirectories(rootfs.resolve("opt/stage2"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String launcher = "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -Xshare:auto -Dstage1xen.argv0=\"$0\""
        + " -cp '" + classPath() + "' io.stage1xen.Main \"$@\"\n";
    Path bin = Files.createDirectories(rootfs.resolve("stage1-xen/bin"));
    Files.writeString(bin.resolve("stage1-xen"), launcher);
    Files.setPosixFilePermissions(bin.resolve("stage1-xen"), PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String ep : List.of("run", "enter", "gc", "stop")) {
      Files.createSymbolicLink(rootfs.resolve(ep), Path.of("stage1-xen/bin/stage1-xen"));
    }
    Files.createDirectories(rootfs.resolve("app"));
    for (String ep : List.of("add", "rm", "start", "stop")) {
      Files.createSymbolicLink(rootfs.resolve("app").resolve(ep), Path.of("../stage1-xen/bin/stage1-xen"));
    }
    Files.writeString(dir.resolve("manifest"), "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\","
        + "\"name\":\"coreos.com/rkt/stage1-xen\",\"labels\":[{\"name\":\"version\",\"value\":\"0.0.0-test\"}],"
        + "\"annotations\":[{\"name\":\"coreos.com/rkt/stage1/run\",\"value\":\"/run\"},"
        + "{\"name\":\"coreos.com/rkt/stage1/enter\",\"value\":\"/enter\"},"
        + "{\"name\":\"coreos.com/rkt/stage1/gc\",\"value\":\"/gc\"},"
        + "{\"name\":\"coreos.com/rkt/stage1/stop\",\"value\":\"/stop\"},"
        + "{\"name\":\"coreos.com/rkt/stage1/app/add\",\"value\":\"/app/add\"},"
        + "{\"name\":\"coreos.com/rkt/stage1/app/rm\",\"value\":\"/app/rm\"},"
        + "{\"name\":\"coreos.com/rkt/stage1/app/start\",\"value\":\"/app/start\"},"
        + "{\"name\":\"coreos.com/rkt/stage1/app/stop\",\"value\":\"/app/stop\"},"
        + "{\"name\":\"coreos.com/rkt/stage1/interface-version\",\"value\":\"5\"}]}");
    return dir;
  }

  /** This JVM's class path with absolute entries: entrypoints run with the pod directory as working directory. */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(":")) {
      entries.add(Path.of(e).toAbsolutePath().toString());
    }
    return String.join(":", entries);
  }

  private static void copyResource(String resource, Path target) throws IOException {
    try (InputStream in = FakeHost.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("test resource " + resource + " missing");
      }
      Files.copy(in, target);
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
