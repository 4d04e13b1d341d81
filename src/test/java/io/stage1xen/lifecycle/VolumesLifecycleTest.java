package io.stage1xen.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.ExecResult;
import io.stage1xen.stage0.Stage0;
import io.stage1xen.testing.FakeHost;
import io.stage1xen.testing.MountNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes end to end: run and gc through the stage0 emulator, with real bind mounts made by mount(8) in a private
 * mount namespace of the test, and fake guests that read and write the volumes through the very directories the
 * domain config exports (as QEMU would). What the real guest does with them is tested under QEMU and on Xen.
 */
class VolumesLifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private FakeHost host;
  private MountNamespace ns;
  private Stage0 stage0;
  private Path data;
  private Path conf;
  private Path ro;

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeTrue(MountNamespace.available(), "bind mounts need root, unshare and nsenter");
    host = new FakeHost(tmp);
    ns = new MountNamespace();
    stage0 = host.stage0In(ns);
    data = Files.createDirectories(tmp.resolve("host/data dir"));
    conf = Files.writeString(tmp.resolve("host/app.conf"), "setting=1\n");
    ro = Files.createDirectories(tmp.resolve("host/read-only"));
  }

  @AfterEach
  void tearDown() {
    if (ns != null) {
      ns.close();
    }
  }

  static String app(String name, String mounts, String... exec) {
    return TestPods.appWith(name, "", ",\"mounts\":[" + mounts + "]", exec);
  }

  static String mount(String volume, String path) {
    return "{\"volume\":\"" + volume + "\",\"path\":\"" + path + "\"}";
  }

  static String pod(String volumes, String... apps) {
    return TestPods.podWithVolumes("[" + volumes + "]", apps);
  }

  private String volumes() {
    return "{\"name\":\"data\",\"kind\":\"host\",\"source\":\"" + data + "\"},"
        + "{\"name\":\"conf\",\"kind\":\"host\",\"source\":\"" + conf + "\",\"readOnly\":true},"
        + "{\"name\":\"scratch\",\"kind\":\"empty\",\"mode\":\"0770\",\"uid\":1,\"gid\":2},"
        + "{\"name\":\"ro\",\"kind\":\"host\",\"source\":\"" + ro + "\",\"readOnly\":true}";
  }

  private Path vols(PodUuid uuid) {
    return host.podDirectory(uuid, PodState.RUN).resolve("xen/volumes");
  }

  private Path volumesDir(PodUuid uuid, PodState state) throws Exception {
    return host.podDirectory(uuid, state).resolve("xen/volumes");
  }

  @Test
  void writesReachTheHostAndOtherAppsAndGcRemovesEverything() throws Exception {
    PodUuid uuid = host.prepare(pod(volumes(),
        app("writer", mount("data", "/srv/data") + "," + mount("scratch", "/scratch"),
            "/fake", "write:/srv/data/from-pod=written in the pod", "write:/scratch/shared=for the reader"),
        app("reader", mount("scratch", "/in") + "," + mount("conf", "/etc/app.conf") + "," + mount("ro", "/ro"),
            "/fake", "sleep:1500", "read:/in/shared", "read:/etc/app.conf",
            // straight into the exported directories, as a guest that remounted read-write would write
            "try-write:/etc/app.conf=overwritten", "try-write:/ro/new=x")));

    ExecResult r = stage0.run(uuid, "--net=none");

    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("written in the pod", Files.readString(data.resolve("from-pod")), "a host volume writes through");
    assertEquals("for the reader\nsetting=1\n\nwrite /etc/app.conf: refused: " + vols(uuid) + "/vol2/file:"
        + " Read-only file system\nwrite /ro/new: refused: " + vols(uuid) + "/vol3/new: Read-only file system\n",
        r.stdout(), "an empty volume is shared, a single file is seen, read-only volumes refuse every write");
    assertEquals("setting=1\n", Files.readString(conf));
    assertEquals(List.of(), List.of(ro.toFile().list()));
    Path vols = volumesDir(uuid, PodState.RUN);
    String cfg = Files.readString(host.podDirectory(uuid, PodState.RUN).resolve("xen/domain.cfg"));
    assertTrue(Pattern.compile("\"tag=vol0,security_model=mapped-(xattr|file),path=" + Pattern.quote(vols + "/vol0")
        + "\"").matcher(cfg).find(), cfg);
    Path writerRoot = host.podDirectory(uuid, PodState.RUN).resolve("stage1/rootfs/opt/stage2/writer/rootfs");
    assertTrue(cfg.contains("\"tag=app0,security_model=none,path=" + writerRoot + "\""),
        "an app's writable root is exported where rkt mounted it: " + cfg);
    assertFalse(cfg.contains(data.toString()), "the host path itself never appears in xl.cfg");
    // 48 MiB guest + 2 apps at 64 MiB + 4 MiB for each share after the first (app0, app1, vol0 … vol3)
    assertTrue(cfg.contains("\nmemory = 196\n"), cfg);
    assertEquals(List.of(), ns.mountsUnder(vols), "the run unmounts its volumes when the pod ends");
    Path scratch = vols.resolve("empty/scratch");
    assertEquals("for the reader", Files.readString(scratch.resolve("shared")), "kept until gc, as rkt does");
    assertEquals(0770, (Integer) Files.getAttribute(scratch, "unix:mode") & 07777);
    assertEquals(List.of(1, 2), List.of(Files.getAttribute(scratch, "unix:uid"), Files.getAttribute(scratch, "unix:gid")));

    ExecResult gc = stage0.gc(uuid);

    assertEquals(0, gc.exitCode(), gc.stderr());
    assertFalse(gc.stderr().contains("problem performing stage1 GC"), gc.stderr());
    assertEquals("written in the pod", Files.readString(data.resolve("from-pod")), "gc never touches host data");
    assertEquals("setting=1\n", Files.readString(conf));
  }

  @Test
  void gcUnmountsWhatAKilledRunLeftMounted() throws Exception {
    PodUuid uuid = host.prepare(pod(volumes(), app("server", mount("data", "/d") + "," + mount("conf", "/c")
        + "," + mount("scratch", "/s"), "/fake", "write:/d/alive=yes", "hang")));
    CompletableFuture<ExecResult> run = stage0.start(uuid, "--net=none");
    Path runDir = host.podDirectory(uuid, PodState.RUN);
    assertTrue(FakeHost.eventually(WAIT, () -> Files.exists(data.resolve("alive"))), "the pod never wrote");
    Path vols = volumesDir(uuid, PodState.RUN);
    // a directory, a file in its share directory, an empty volume: each a mount of its own (the app's writable
    // root is exported where rkt mounted it)
    assertEquals(4, ns.mountsUnder(vols).size(), ns.mountsUnder(vols).toString());

    // the app runs a moment before the pod is marked ready and its pid file appears
    assertTrue(FakeHost.eventually(WAIT, () -> Files.exists(runDir.resolve("pid"))), "the pod never became ready");
    long supervisor = Long.parseLong(Files.readString(runDir.resolve("pid")));
    ProcessHandle.of(supervisor).orElseThrow().destroyForcibly();
    run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(4, ns.mountsUnder(vols).size(), "SIGKILL cannot clean up; gc must");

    ExecResult gc = stage0.gc(uuid);

    assertEquals(0, gc.exitCode(), gc.stderr());
    assertEquals(List.of(), ns.mountsUnder(tmp.toRealPath()), "nothing of the pod is mounted any more");
    assertEquals(List.of(), host.liveDomains());
    assertEquals("yes", Files.readString(data.resolve("alive")), "and the host's files are intact");
    assertTrue(Files.exists(conf));
  }

  @Test
  void everyExportIsNodevNosuidAndAReadOnlyRootIsReadOnlyInDom0WithItsMountPointsMade() throws Exception {
    PodUuid uuid = host.prepare(pod(volumes(), TestPods.appWith("locked", "", ",\"readOnlyRootFS\":true,\"mounts\":["
        + mount("data", "/srv/data") + "," + mount("conf", "/etc/app.conf") + "]", "/fake",
        // straight into the exported root, as a guest root that remounted it read-write would write
        "try-write:/new-file=x", "write:/srv/data/locked=yes", "hang")));
    CompletableFuture<ExecResult> run = stage0.start(uuid, "--net=none");
    assertTrue(FakeHost.eventually(WAIT, () -> Files.exists(data.resolve("locked"))), "the pod never wrote");
    Path vols = volumesDir(uuid, PodState.RUN);
    Map<Path, String> options = ns.optionsUnder(vols);
    assertEquals(List.of(vols.resolve("app0"), vols.resolve("vol0"), vols.resolve("vol1"), vols.resolve("vol1/file")),
        List.copyOf(options.keySet()));
    options.forEach((p, o) -> assertTrue(List.of(o.split(",")).containsAll(List.of("nosuid", "nodev")), p + " " + o));
    assertTrue(options.get(vols.resolve("app0")).startsWith("ro,"), options.toString());
    assertTrue(options.get(vols.resolve("vol0")).startsWith("rw,"), options.toString());
    assertTrue(options.get(vols.resolve("vol1/file")).startsWith("ro,"), "conf is read-only: " + options);

    stage0.stop(uuid, false);
    ExecResult r = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals("write /new-file: refused: " + vols + "/app0/new-file: Read-only file system\n", r.stdout());
    Path rootfs = host.podDirectory(uuid, PodState.RUN).resolve("stage1/rootfs/opt/stage2/locked/rootfs");
    assertFalse(Files.exists(rootfs.resolve("new-file")));
    for (String made : List.of("proc", "sys", "dev", "srv/data")) {
      assertTrue(Files.isDirectory(rootfs.resolve(made)), "made in dom0 before the export: " + made);
    }
    for (String made : List.of("etc/hosts", "etc/app.conf")) {
      assertTrue(Files.isRegularFile(rootfs.resolve(made)), "made in dom0 before the export: " + made);
    }
    assertEquals(0, stage0.gc(uuid).exitCode());
    assertEquals(List.of(), ns.mountsUnder(tmp.toRealPath()));
  }

  @Test
  void hostVolumesArePassthroughOnlyWhenTheOperatorSaysSo() throws Exception {
    Path config = host.localConfig("host-volume-ownership = passthrough\n");
    PodUuid uuid = host.prepare(pod(volumes(), app("a", mount("data", "/d") + "," + mount("scratch", "/s"),
        "/fake", "exit:0")));

    ExecResult r = stage0.run(uuid, "--net=none", "--local-config=" + config, "--debug");

    assertEquals(0, r.exitCode(), r.stderr());
    String cfg = Files.readString(host.podDirectory(uuid, PodState.RUN).resolve("xen/domain.cfg"));
    assertTrue(cfg.contains("\"tag=vol0,security_model=none,"), "the host directory: " + cfg);
    assertTrue(Pattern.compile("\"tag=vol1,security_model=mapped-(xattr|file),").matcher(cfg).find(),
        "the empty volume stays mapped: " + cfg);
    assertTrue(cfg.contains("\"tag=app0,security_model=none,"), cfg);
    assertTrue(r.stderr().contains("volume \"data\": security_model=none (host-volume-ownership = passthrough"),
        "--debug says why: " + r.stderr());
  }

  @Test
  void aPodThatNeverGotItsDomainLeavesNothingBehind() throws Exception {
    PodUuid uuid = host.prepare(pod(volumes(), app("a", mount("data", "/d") + "," + mount("scratch", "/s"),
        "/fake", "exit:0")));
    host.failXl("create", "libxl: error: cannot create the domain");

    ExecResult r = stage0.run(uuid, "--net=none");

    assertEquals(254, r.exitCode());
    assertEquals(List.of(), ns.mountsUnder(tmp.toRealPath()));
    assertFalse(Files.exists(volumesDir(uuid, PodState.RUN)), "no directory of the volumes is left");
  }

  @Test
  void aMissingSourceIsOneLineBeforeXlIsAsked() throws Exception {
    PodUuid uuid = host.prepare(pod("{\"name\":\"gone\",\"kind\":\"host\",\"source\":\"" + tmp.resolve("nowhere")
        + "\"}", app("a", mount("gone", "/g"), "/fake", "exit:0")));

    ExecResult r = stage0.run(uuid, "--net=none");

    assertEquals(254, r.exitCode());
    List<String> lines = r.stderr().strip().lines().toList();
    assertEquals(1, lines.size(), r.stderr());
    assertTrue(lines.get(0).endsWith("/pod: volumes[0].source: the host path of volume \"gone\" does not exist: \""
        + tmp.resolve("nowhere") + "\""), lines.get(0));
    assertEquals(List.of(), host.xlCalls());
    assertFalse(Files.exists(volumesDir(uuid, PodState.RUN)));
  }
}
