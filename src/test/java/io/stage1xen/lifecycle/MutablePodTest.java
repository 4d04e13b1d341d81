package io.stage1xen.lifecycle;

import static io.stage1xen.lifecycle.TestPods.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.ExecResult;
import io.stage1xen.stage0.Stage0;
import io.stage1xen.testing.FakeHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutable pods (docs/MUTABLE.md) the way rkt 1.30.0 drives them, through the stage0 emulator (rkt app sandbox, then
 * app add/start/stop/rm as crossing entrypoints), with real bind mounts in a private mount namespace and the fake
 * guest standing in for the VM.
 */
class MutablePodTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** What rkt app sandbox writes: no apps, the mutable annotation. */
  static final String SANDBOX = "{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\",\"apps\":[],\"volumes\":null,"
      + "\"isolators\":null,\"annotations\":[{\"name\":\"coreos.com/rkt/stage1/mutable\",\"value\":\"true\"}],"
      + "\"ports\":[]}";

  @TempDir Path tmp;
  private FakeHost host;
  private Stage0 stage0;

  @BeforeEach
  void setUp() throws Exception {
    host = new FakeHost(tmp);
    stage0 = host.stage0();
  }

  @AfterEach
  void endNamespace() {
    if (host != null) {
      host.close();
    }
  }

  private Path runDir(PodUuid uuid) {
    return host.podDirectory(uuid, PodState.RUN);
  }

  private CompletableFuture<ExecResult> sandbox(PodUuid uuid) throws Exception {
    CompletableFuture<ExecResult> run = stage0.start(uuid, "--net=none", "--mutable");
    assertTrue(FakeHost.eventually(WAIT, () -> Files.isSymbolicLink(runDir(uuid)
        .resolve("stage1/rootfs/rkt/supervisor-status")) || run.isDone()), "the sandbox never became ready");
    assertFalse(run.isDone(), () -> "the sandbox's run ended: " + run.join().stderr());
    return run;
  }

  private Path image(String name, String file) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("added-images").resolve(name));
    Files.writeString(dir.resolve("manifest"), String.format(FakeHost.JSON_APP, name), StandardCharsets.UTF_8);
    Files.writeString(Files.createDirectories(dir.resolve("rootfs")).resolve(file), "from " + name + "\n");
    return dir;
  }

  private ExecResult rktApp(String sub, PodUuid uuid, String... args) throws Exception {
    return stage0.run("app-" + sub, uuid, List.of(args));
  }

  private ExecResult add(PodUuid uuid, String name) throws Exception {
    return add(uuid, name, "out:" + name);
  }

  /** rkt app add of an app whose exec is the fake guest's ops. */
  private ExecResult add(PodUuid uuid, String name, String... ops) throws Exception {
    List<String> exec = new ArrayList<>(List.of("/fake"));
    exec.addAll(List.of(ops));
    return rktApp("add", uuid, "--app", name + "=" + image(name, name + ".txt"), "--runtime-app",
        TestPods.app(name, exec.toArray(String[]::new)));
  }

  private String readInNamespace(Path file) throws Exception {
    return inNamespace("cat", file.toString());
  }

  /** A command in the test's mount namespace, where the pod's mounts are: its output. */
  private String inNamespace(String... command) throws Exception {
    List<String> argv = new ArrayList<>(host.namespace().enter());
    argv.addAll(List.of(command));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  @Test
  void aSandboxBootsWithoutAppsStaysUpAndStopsInOrder() throws Exception {
    PodUuid uuid = host.prepare(SANDBOX);
    CompletableFuture<ExecResult> run = sandbox(uuid);
    Path pod = runDir(uuid);

    Stage0.PodStatus status = stage0.status(uuid);
    assertTrue(status.isRunning(), status.toString());
    assertTrue(status.pid().isPresent(), "no pid: rkt app add would not find the sandbox ready");
    String cfg = Files.readString(pod.resolve("xen/domain.cfg"));
    assertTrue(cfg.contains("tag=stage2,security_model=none,path=" + pod.toRealPath().resolve("xen/volumes/stage2")),
        cfg);
    Map<Path, String> mounts = host.namespace().optionsUnder(pod.toRealPath().resolve("xen/volumes"));
    String share = mounts.get(pod.toRealPath().resolve("xen/volumes/stage2"));
    assertTrue(share != null && share.contains("ro") && share.contains("nosuid") && share.contains("nodev"),
        "the share of added apps must be read-only, nosuid, nodev in dom0: " + mounts);
    Thread.sleep(1000);
    assertFalse(run.isDone(), "a sandbox without apps must stay up");

    assertEquals(0, stage0.stop(uuid, false).exitCode());
    ExecResult r = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals(List.of(), host.liveDomains());
    assertEquals(List.of(), host.namespace().mountsUnder(pod.toRealPath().resolve("xen/volumes")));
    ExecResult gc = stage0.gc(uuid);
    assertEquals(0, gc.exitCode(), gc.stderr());
    assertFalse(gc.stderr().contains("problem performing stage1 GC"), gc.stderr());
  }

  @Test
  void addMakesTheAppsRootVisibleInTheShareAndRmReleasesIt() throws Exception {
    PodUuid uuid = host.prepare(SANDBOX);
    CompletableFuture<ExecResult> run = sandbox(uuid);
    Path pod = runDir(uuid).toRealPath();
    Path shown = pod.resolve("xen/volumes/stage2/hello");

    ExecResult added = add(uuid, "hello");
    assertEquals(0, added.exitCode(), added.stderr());
    assertEquals("from hello\n", readInNamespace(shown.resolve("hello.txt")));
    String options = host.namespace().optionsUnder(shown).get(shown);
    assertTrue(options != null && options.contains("nosuid") && options.contains("nodev")
        && !options.contains("ro"), "the added root is bound read-write, nosuid, nodev: " + options);
    assertTrue(Files.exists(pod.resolve("stage1/rootfs/rkt/status/hello-created")));

    ExecResult second = add(uuid, "second");
    assertEquals(0, second.exitCode(), second.stderr());
    assertEquals("from second\n", readInNamespace(pod.resolve("xen/volumes/stage2/second/second.txt")));

    // rkt app rm: app/stop first (0: nothing runs), then app/rm, then rkt's own clean-up
    ExecResult rm = rktApp("rm", uuid, "--app", "hello");
    assertEquals(0, rm.exitCode(), rm.stderr());
    assertEquals(List.of(), host.namespace().mountsUnder(shown));
    assertFalse(Files.exists(pod.resolve("xen/volumes/added/hello")));
    assertEquals(1, host.namespace().mountsUnder(pod.resolve("xen/volumes/stage2/second")).size());
    assertFalse(Files.readString(pod.resolve("pod")).contains("\"hello\""), "rkt rewrites the manifest");

    // the app's name is free again
    ExecResult again = add(uuid, "hello");
    assertEquals(0, again.exitCode(), again.stderr());

    assertEquals(0, stage0.stop(uuid, false).exitCode());
    assertEquals(0, run.get(WAIT.toSeconds(), TimeUnit.SECONDS).exitCode());
    assertEquals(List.of(), host.namespace().mountsUnder(pod.resolve("xen/volumes")), "the end unmounts all");
    assertEquals(0, stage0.gc(uuid).exitCode());
    assertFalse(Files.exists(host.podDirectory(uuid, PodState.EXITED_GARBAGE)));
  }

  @Test
  void badInputGetsOneLineAndTheExpectedExitCode() throws Exception {
    PodUuid uuid = host.prepare(SANDBOX);
    CompletableFuture<ExecResult> run = sandbox(uuid);
    Path pod = runDir(uuid);
    assertEquals(0, add(uuid, "hello").exitCode());

    // app/stop of an app that does not run: nothing to stop, 0 (rkt 1.30.0 fails stop and rm on 5)
    ExecResult stop = rktApp("stop", uuid, "--app", "hello");
    assertEquals(0, stop.exitCode(), stop.stderr());

    // the entrypoints themselves, called as rkt does, on an unknown app and a second add
    Result unknown = crossing(pod, "app/start", "--debug=false", "--app=nosuch");
    assertEquals(254, unknown.exitCode(), unknown.stderr());
    assertEquals(1, unknown.stderr().strip().lines().count(), unknown.stderr());
    assertTrue(unknown.stderr().contains("apps: no app named \"nosuch\""), unknown.stderr());
    Result twice = crossing(pod, "app/add", "--debug=false", "--uuid=" + uuid.value(), "--app=hello");
    assertEquals(254, twice.exitCode(), twice.stderr());
    assertEquals(1, twice.stderr().strip().lines().count(), twice.stderr());
    assertTrue(twice.stderr().contains("app \"hello\" is already in the pod VM"), twice.stderr());
    // rkt's environment file of the app, with a line that is no NAME=value: one line naming file and line
    Path envFile = pod.resolve("stage1/rootfs/rkt/env/hello");
    Files.writeString(envFile, "PATH=/bin\n1BAD=x\n");
    Result badEnv = crossing(pod, "app/start", "--debug=false", "--app=hello");
    assertEquals(254, badEnv.exitCode(), badEnv.stderr());
    assertEquals(1, badEnv.stderr().strip().lines().count(), badEnv.stderr());
    assertTrue(badEnv.stderr().contains(envFile.toRealPath() + ": line 2: \"1BAD=x\" is not NAME=value")
        || badEnv.stderr().contains(envFile + ": line 2: \"1BAD=x\" is not NAME=value"), badEnv.stderr());
    Result notRunning = crossing(pod, "app/stop", "--debug=false", "--app=hello");
    assertEquals(0, notRunning.exitCode(), notRunning.stderr());
    assertEquals("", notRunning.stderr());

    assertEquals(0, stage0.stop(uuid, false).exitCode());
    assertEquals(0, run.get(WAIT.toSeconds(), TimeUnit.SECONDS).exitCode());
    // once the pod has exited, the entrypoints refuse it
    Result after = crossing(pod, "app/rm", "--debug=false", "--app=hello");
    assertEquals(254, after.exitCode(), after.stderr());
    assertTrue(after.stderr().contains("is not running"), after.stderr());
  }

  @Test
  void anAddedAppStartsInItsRootStopsAndIsRemovedWhileThePodStaysUp() throws Exception {
    PodUuid uuid = host.prepare(SANDBOX);
    CompletableFuture<ExecResult> run = sandbox(uuid);
    Path pod = runDir(uuid).toRealPath();
    Path status = pod.resolve("stage1/rootfs/rkt/status");
    assertEquals(0, add(uuid, "hello", "write:/ran.txt=yes", "env", "hang").exitCode());

    ExecResult start = rktApp("start", uuid, "--app", "hello");
    assertEquals(0, start.exitCode(), start.stderr());
    Path ran = pod.resolve("xen/volumes/stage2/hello/ran.txt");
    assertTrue(FakeHost.eventually(WAIT, () -> readInNamespace(ran).equals("yes")), "the app ran in its own root");
    assertTrue(Files.exists(status.resolve("hello-started")), "rkt lists it running");
    assertFalse(Files.exists(status.resolve("hello")), "no exit status while it runs");

    // a running app can be neither started again nor removed: one line, 254
    Result again = crossing(pod, "app/start", "--debug=false", "--app=hello");
    assertEquals(254, again.exitCode(), again.stderr());
    assertEquals(1, again.stderr().strip().lines().count(), again.stderr());
    assertTrue(again.stderr().contains("app \"hello\" is running already"), again.stderr());
    assertTrue(Files.exists(status.resolve("hello-started")), "a refused second start leaves rkt's marker: it runs");
    Result rmRunning = crossing(pod, "app/rm", "--debug=false", "--app=hello");
    assertEquals(254, rmRunning.exitCode(), rmRunning.stderr());
    assertTrue(rmRunning.stderr().contains("app \"hello\" is running; stop it first"), rmRunning.stderr());
    assertEquals(1, host.namespace().mountsUnder(pod.resolve("xen/volumes/stage2/hello")).size(),
        "a refused rm leaves the app's root in the VM");

    // stop: SIGTERM in the guest; the status rkt reads is the app's exit code
    ExecResult stop = rktApp("stop", uuid, "--app", "hello");
    assertEquals(0, stop.exitCode(), stop.stderr());
    assertEquals("143", Files.readString(status.resolve("hello")));
    assertFalse(run.isDone(), "a mutable pod stays up when its app ends");

    // an app that fails on its own: its status is written, the pod stays up
    assertEquals(0, add(uuid, "failing", "exit:3").exitCode());
    assertEquals(0, rktApp("start", uuid, "--app", "failing").exitCode());
    assertTrue(FakeHost.eventually(WAIT, () -> Files.exists(status.resolve("failing"))));
    assertEquals("3", Files.readString(status.resolve("failing")));
    Thread.sleep(500);
    assertFalse(run.isDone(), "a mutable pod never ends because an app failed");

    // started again after it ended: it runs anew (its old slot in the VM is freed first)
    inNamespace("rm", ran.toString());
    ExecResult restart = rktApp("start", uuid, "--app", "hello");
    assertEquals(0, restart.exitCode(), restart.stderr());
    assertTrue(FakeHost.eventually(WAIT, () -> readInNamespace(ran).equals("yes")), "it ran again");
    assertFalse(Files.exists(status.resolve("hello")), "rkt removed the old status; none while it runs");
    assertEquals(0, rktApp("stop", uuid, "--app", "hello").exitCode());
    assertEquals("143", Files.readString(status.resolve("hello")), "the second run's status");

    ExecResult rm = rktApp("rm", uuid, "--app", "hello");
    assertEquals(0, rm.exitCode(), rm.stderr());
    assertEquals(List.of(), host.namespace().mountsUnder(pod.resolve("xen/volumes/stage2/hello")));

    assertEquals(0, stage0.stop(uuid, false).exitCode());
    ExecResult r = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stdout().contains("AC_APP_NAME=hello") && r.stdout().contains("container=rkt"),
        "the added app's output (its environment) goes to the pod's output: " + r.stdout());
    assertTrue(r.stdout().contains("SHELL=/bin/sh"), "the environment is rkt's rkt/env/<app>: " + r.stdout());
  }

  @Test
  void anAddedAppsVolumesAreBoundInTheVolumeShareAndReleasedByRm() throws Exception {
    PodUuid uuid = host.prepare(SANDBOX);
    CompletableFuture<ExecResult> run = sandbox(uuid);
    Path pod = runDir(uuid).toRealPath();
    Path data = Files.createDirectories(tmp.resolve("host-data"));
    Files.writeString(data.resolve("in.txt"), "from dom0");
    // rkt app add --mnt-volume=name=data,kind=host,source=...,target=/data and an empty volume of the app's own
    String mounts = ",\"mounts\":[{\"volume\":\"data\",\"path\":\"/data\",\"appVolume\":{\"name\":\"data\","
        + "\"kind\":\"host\",\"source\":\"" + data + "\"}},{\"volume\":\"scratch\",\"path\":\"/scratch\","
        + "\"appVolume\":{\"name\":\"scratch\",\"kind\":\"empty\"}}]";
    ExecResult added = rktApp("add", uuid, "--app", "web=" + image("web", "web.txt"), "--runtime-app",
        TestPods.appWith("web", "", mounts, "/fake", "write:/data/out.txt=from the app", "write:/scratch/s=1",
            "exit:0"));
    assertEquals(0, added.exitCode(), added.stderr());
    Path slots = pod.resolve("xen/volumes/stage2vol/web");
    assertEquals("from dom0", readInNamespace(slots.resolve("vol0/in.txt")), "the host directory is in its slot");
    Map<Path, String> options = host.namespace().optionsUnder(slots);
    assertTrue(options.get(slots.resolve("vol0")).contains("nosuid") && options.get(slots.resolve("vol0"))
        .contains("nodev"), "nosuid, nodev: " + options);
    String share = host.namespace().optionsUnder(pod.resolve("xen/volumes")).get(pod.resolve("xen/volumes/stage2vol"));
    assertTrue(share != null && share.contains("ro"), "the volume share's top is read-only in dom0: " + share);

    assertEquals(0, rktApp("start", uuid, "--app", "web").exitCode());
    Path status = pod.resolve("stage1/rootfs/rkt/status/web");
    assertTrue(FakeHost.eventually(WAIT, () -> Files.exists(status)), "the app ran to its end");
    assertEquals("0", Files.readString(status));
    assertEquals("from the app", Files.readString(data.resolve("out.txt")), "it wrote through its volume to dom0");
    assertEquals("1", Files.readString(pod.resolve("xen/volumes/empty/web.scratch/s")));

    ExecResult rm = rktApp("rm", uuid, "--app", "web");
    assertEquals(0, rm.exitCode(), rm.stderr());
    assertEquals(List.of(), host.namespace().mountsUnder(slots), "rm unmounts every volume of the app");
    assertFalse(Files.exists(pod.resolve("xen/volumes/addedvol/web")));
    assertFalse(Files.exists(pod.resolve("xen/volumes/empty/web.scratch")), "its empty volume goes with it");
    assertTrue(Files.readString(data.resolve("in.txt")).equals("from dom0"), "the host directory is untouched");

    assertEquals(0, stage0.stop(uuid, false).exitCode());
    assertEquals(0, run.get(WAIT.toSeconds(), TimeUnit.SECONDS).exitCode());
    assertEquals(List.of(), host.namespace().mountsUnder(pod.resolve("xen/volumes")));
  }

  @Test
  void anAppWhoseRootIsMissingFailsToStartInOneLine() throws Exception {
    PodUuid uuid = host.prepare(SANDBOX);
    CompletableFuture<ExecResult> run = sandbox(uuid);
    Path pod = runDir(uuid).toRealPath();
    assertEquals(0, add(uuid, "hello", "hang").exitCode());
    // the VM no longer sees the app's root: the guest refuses the start, and rkt must list the app created
    inNamespace("umount", pod.resolve("xen/volumes/stage2/hello").toString());
    inNamespace("rmdir", pod.resolve("xen/volumes/added/hello").toString());
    Result start = crossing(pod, "app/start", "--debug=false", "--app=hello");
    assertEquals(254, start.exitCode(), start.stderr());
    assertEquals(1, start.stderr().strip().lines().count(), start.stderr());
    assertTrue(start.stderr().contains("app \"hello\" could not start in the pod VM (exit status 125: app hello:"
        + " root /s1x/share/stage2/hello: No such file or directory)"), start.stderr());
    assertFalse(run.isDone());
    assertEquals(0, stage0.stop(uuid, false).exitCode());
    assertEquals(0, run.get(WAIT.toSeconds(), TimeUnit.SECONDS).exitCode());
  }

  @Test
  void anImmutablePodIsUnchangedAndCannotTakeApps() throws Exception {
    PodUuid uuid = host.prepare(TestPods.pod(app("server", "/fake", "hang")));
    CompletableFuture<ExecResult> run = stage0.start(uuid, "--net=none");
    assertTrue(FakeHost.eventually(WAIT, () -> Files.isSymbolicLink(runDir(uuid)
        .resolve("stage1/rootfs/rkt/supervisor-status"))));
    Path pod = runDir(uuid);
    assertFalse(Files.readString(pod.resolve("xen/domain.cfg")).contains("tag=stage2"));

    Result add = crossing(pod, "app/add", "--debug=false", "--uuid=" + uuid.value(), "--app=server");
    assertEquals(254, add.exitCode(), add.stderr());
    assertTrue(add.stderr().contains("the pod is not mutable"), add.stderr());

    assertEquals(0, stage0.stop(uuid, false).exitCode());
    assertEquals(143, run.get(WAIT.toSeconds(), TimeUnit.SECONDS).exitCode());
  }

  @Test
  void mutableWithoutTheAnnotationOrWithAppsIsRefusedBeforeXl() throws Exception {
    PodUuid flagOnly = host.prepare(TestPods.pod(app("server", "/fake", "hang")));
    ExecResult r = stage0.run(flagOnly, "--net=none", "--mutable");
    assertEquals(254, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("--mutable needs the pod's annotation coreos.com/rkt/stage1/mutable"),
        r.stderr());

    PodUuid withApps = host.prepare(TestPods.pod(app("server", "/fake", "hang"))
        .replace("\"value\":\"false\"", "\"value\":\"true\""));
    ExecResult r2 = stage0.run(withApps, "--net=none", "--mutable");
    assertEquals(254, r2.exitCode(), r2.stderr());
    assertTrue(r2.stderr().contains("apps: a mutable pod starts without apps"), r2.stderr());
    assertFalse(host.xlCalls().stream().anyMatch(c -> c.startsWith("create")), host.xlCalls().toString());
  }

  /** An app/* entrypoint run as rkt runs it (stage0's crossing), but with its own output apart. */
  private record Result(int exitCode, String stdout, String stderr) {}

  private Result crossing(Path pod, String entrypoint, String... args) throws Exception {
    List<String> argv = new ArrayList<>(host.namespace().enter());
    // nsenter leaves the working directory at /: change to the pod directory, as rkt runs the entrypoint there
    argv.addAll(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", pod.toString(), "env", "-i", "PATH=" + System.getenv("PATH"), "RKT_STAGE1_ENTERCMD=" + pod.resolve(
        "stage1/rootfs/enter"), "RKT_STAGE1_ENTERPID=" + Files.readString(pod.resolve("pid")).strip(),
        pod.resolve("stage1/rootfs").resolve(entrypoint).toString()));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(
        Path.of("/dev/null").toFile())).start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        return e.toString();
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
    return new Result(p.exitValue(), out, err.join());
  }
}
