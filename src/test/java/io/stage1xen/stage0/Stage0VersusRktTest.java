package io.stage1xen.stage0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.SystemProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds the stage0 stand-in ({@code tests/stage0/stage0}) against the real rkt 1.30.0: the same pods, with the same
 * probe stage1, through both, and every difference a stage1 could see (argv, environment, descriptors, cwd, the
 * lock and who holds it, the pod directory and its modes, the manifests, outputs, exit codes, status and list) must
 * be one that tests/stage0/README.md lists under "Differences from rkt", and every listed one must still occur.
 * The stand-in emulates {@code --no-overlay}; rkt's default overlay mode is compared with its no-overlay mode
 * against the same README section. Needs root and rkt ({@code -Dstage1xen.rkt}, which build.sh sets from
 * {@code RKT} or the {@code rkt} on PATH).
 */
@Tag("rkt")
class Stage0VersusRktTest {
  static final String RKT_PROPERTY = "stage1xen.rkt";
  static final Path README = Path.of("tests", "stage0", "README.md");
  /** Where the facts of each side are written (Maven runs tests in the project directory). */
  static final Path FACTS_DIR = Path.of("target", "stage0-vs-rkt");

  /**
   * Every command runs with descriptors 3, 5 and 9 left open by its caller (a shell that execs it): rkt passes what
   * it inherits on to the stage1, and its lock then lands on the fifth free number from 3, which is 10.
   */
  static final List<String> INHERITING = List.of("/bin/sh", "-c", "exec \"$@\" 3</dev/null 5</dev/null 9</dev/null",
      "sh");

  /** One difference that README.md documents, as the test recognises it. */
  record Documented(String readmeText, Pattern key, BiPredicate<String, String> values) {
    boolean covers(Facts.Difference d) {
      return key.matcher(d.key()).matches() && values.test(d.expected(), d.actual());
    }
  }

  static final String HOLDER = "named holder: ";

  /** Stand-in against rkt --no-overlay (values: rkt's, the stand-in's). */
  static final List<Documented> STAND_IN = List.of(
      new Documented("rkt's also has `O_DIRECTORY`", Pattern.compile("[AB]\\.run\\.fd\\.\\d+"),
          (rkt, standIn) -> rkt.equals("<data>/pods/run/<uuid> flags=0300000")
              && standIn.equals("<data>/pods/run/<uuid> flags=0100000")),
      new Documented("`/proc/locks` names a process that has exited", Pattern.compile("[AB]\\.\\w+\\.locks"),
          (rkt, standIn) -> !rkt.equals(standIn)
              && rkt.replaceAll(HOLDER + "[^,\\]]*", HOLDER + "a process that has exited").equals(standIn)),
      new Documented("rkt writes `stage1/manifest` and `appsinfo/<app>/manifest` in its own JSON form",
          Pattern.compile("[AB]\\.\\w+\\.file:(stage1/manifest|appsinfo/[^/]+/manifest)"),
          (rkt, standIn) -> standIn.equals(rkt + "\n")));

  /** rkt's overlay mode against its --no-overlay mode (values: no-overlay's, overlay's). */
  static final List<Documented> OVERLAY = List.of(
      new Documented("`overlay-prepared`, `overlay/<tree store ID>/…` and `appsinfo/<app>/treeStoreID`",
          Pattern.compile("A\\.\\w+\\.(tree|file):(overlay-prepared|overlay(/.*)?|appsinfo/[^/]+/treeStoreID)"),
          (plain, overlay) -> plain.equals(Facts.ABSENT)),
      new Documented("overlay mounts on `stage1/rootfs` and on each app's rootfs",
          Pattern.compile("A\\.\\w+\\.mounts"),
          (plain, overlay) -> plain.equals("[]") && overlay.matches(
              "\\[<data>/pods/[a-z-]+/<uuid>/stage1/rootfs overlay(, <data>/pods/[a-z-]+/<uuid>/stage1/rootfs/opt/"
                  + "stage2/[a-z0-9-]+/rootfs overlay)+]")),
      new Documented("`stage1/rootfs/opt/stage2/<app>/manifest` is rewritten too",
          Pattern.compile("A\\.\\w+\\.file:stage1/rootfs/opt/stage2/[^/]+/manifest"),
          (plain, overlay) -> plain.equals(overlay + "\n")));

  @TempDir static Path tmp;
  static Path rkt;
  static Path stage1;
  static List<Path> apps;
  static Facts rktPlain;
  static Facts standIn;
  static Facts rktOverlay;

  @BeforeAll
  static void observeBoth() throws Exception {
    rkt = requireRkt();
    stage1 = FakeStage1.aci(FakeStage1.create(tmp.resolve("probe"), 5, false), tmp.resolve("probe.aci"));
    apps = List.of(
        FakeStage1.aci(FakeStage1.app(tmp.resolve("hello"), "hello"), tmp.resolve("hello.aci")),
        FakeStage1.aci(FakeStage1.app(tmp.resolve("hello2"), "hello2", "echo hello2; exit 5"),
            tmp.resolve("hello2.aci")));
    Stage0Scenario scenario = new Stage0Scenario(callerEnvironment());
    rktPlain = scenario.observe(new RktDriver(tmp.resolve("rkt-plain/data"), false), tmp.resolve("rkt-plain"), true);
    standIn = scenario.observe(new StandInDriver(tmp.resolve("stand-in/data")), tmp.resolve("stand-in"), true);
    rktOverlay = scenario.observe(new RktDriver(tmp.resolve("rkt-overlay/data"), true), tmp.resolve("rkt-overlay"),
        false);
    // all of it, for reading when a comparison fails
    Files.createDirectories(FACTS_DIR);
    rktPlain.write(FACTS_DIR.resolve("rkt-no-overlay.txt"));
    standIn.write(FACTS_DIR.resolve("stand-in.txt"));
    rktOverlay.write(FACTS_DIR.resolve("rkt-overlay.txt"));
  }

  /** A failed run leaves probes waiting and, in overlay mode, mounts: release and unmount them. */
  @AfterAll
  static void cleanUp() throws Exception {
    if (tmp == null || !Files.isDirectory(tmp)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(tmp, 3)) {
      for (Path ready : walk.filter(p -> p.getFileName().toString().equals("ready")).toList()) {
        Files.writeString(ready.resolveSibling("release"), "");
      }
    }
    String root = tmp.toRealPath().toString();
    List<String> mounts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String point = line.split(" ")[4];
      if (point.startsWith(root + "/")) {
        mounts.add(point);
      }
    }
    mounts.sort(Comparator.comparingInt(String::length).reversed());
    for (String point : mounts) {
      new SystemProcessRunner(System.getenv()).run(Command.of(Duration.ofSeconds(30), "umount", "-l", point));
    }
  }

  @Test
  void theStandInCallsTheStage1AsRktDoesWithNoOverlay() throws IOException {
    assertTheProbeSawRktsContract(rktPlain);
    assertOnlyDocumented(Facts.diff(rktPlain, standIn), STAND_IN, "rkt --no-overlay | stand-in");
  }

  @Test
  void rktsOverlayModeDiffersOnlyAsTheReadmeSays() throws IOException {
    Facts podA = new Facts();
    rktPlain.asMap().forEach((k, v) -> {
      if (k.startsWith("A.")) {
        podA.put(k, v);
      }
    });
    Facts overlayA = new Facts();
    rktOverlay.asMap().forEach((k, v) -> {
      if (k.startsWith("A.")) {
        overlayA.put(k, v);
      }
    });
    assertOnlyDocumented(Facts.diff(podA, overlayA), OVERLAY, "rkt --no-overlay | rkt (overlay)");
  }

  @Test
  void onlyOverlayModeNeedsRktStatusInTheStage1() throws Exception {
    Path image = FakeStage1.create(tmp.resolve("no-status"), 5, false);
    Files.delete(image.resolve("rootfs/rkt/status"));
    Files.delete(image.resolve("rootfs/rkt"));
    Path aci = FakeStage1.aci(image, tmp.resolve("no-status.aci"));
    Path log = Files.createDirectories(tmp.resolve("no-status-log"));
    Map<String, String> env = new HashMap<>(callerEnvironment());
    env.put("FAKE_LOG", log.toString());

    Rkt r = new Rkt(rkt, tmp.resolve("no-status-data"), env, List.of());
    ExecResult overlay = r.start(aci, apps, true, log.resolve("uuid-overlay")).get();
    assertEquals(254, overlay.exitCode(), overlay.stderr());
    assertTrue(overlay.stderr().contains("stage0: error setting up stage1: chtimes ")
        && overlay.stderr().contains("/stage1/rootfs/rkt/status: no such file or directory"), overlay.stderr());
    ExecResult plain = r.start(aci, apps, false, log.resolve("uuid-plain")).get();
    assertEquals(0, plain.exitCode(), plain.stderr());
    for (String pod : List.of("uuid-overlay", "uuid-plain")) {
      r.rm(PodUuid.of(Files.readString(log.resolve(pod)).strip())).requireSuccess();
    }

    Stage0 s = new Stage0(tmp.resolve("no-status-stand-in"), env);
    PodUuid uuid = Stage0Scenario.newUuid();
    s.prepare(uuid, aci, fixture(), appsByName());
    ExecResult standInRun = s.run(uuid);
    assertEquals(0, standInRun.exitCode(), "the stand-in lays out the --no-overlay pod: " + standInRun.stderr());
  }

  /** The facts the comparison rests on, as measured (so that it cannot pass on two empty records). */
  private static void assertTheProbeSawRktsContract(Facts rktFacts) {
    Map<String, String> f = rktFacts.asMap();
    assertEquals("[<data>/pods/run/<uuid>/stage1/rootfs/bin/run, --net=default, --local-config=/etc/rkt, <uuid>]",
        f.get("A.run.argv"));
    assertEquals("10", f.get("A.run.env.RKT_LOCK_FD"), "the fifth free descriptor from 3, with 3, 5 and 9 taken");
    assertEquals("<data>/pods/run/<uuid> flags=0300000", f.get("A.run.fd.10"));
    assertEquals("/dev/null flags=0100000", f.get("A.run.fd.5"), "inherited descriptors are passed on");
    assertEquals("[FLOCK ADVISORY WRITE named holder: this entrypoint]", f.get("A.run.locks"));
    assertEquals("[FLOCK ADVISORY WRITE named holder: its parent (rkt)]", f.get("A.gc.locks"));
    assertEquals("<data>/pods/exited-garbage/<uuid>", f.get("A.gc.env.PWD"));
    assertEquals("exec'd by the command (same pid)", f.get("A.enter.process"));
    assertEquals("a child of the command", f.get("A.stop.process"));
    assertEquals("running", f.get("A.status-running.state"));
    assertEquals("{hello=0, hello2=5}", f.get("A.status-exited.apps"));
    assertEquals("143", f.get("A.run.exit"));
    assertEquals("137", f.get("B.run.exit"));
    assertEquals("3", f.get("A.enter.exit"));
  }

  private static void assertOnlyDocumented(List<Facts.Difference> differences, List<Documented> documented,
      String columns) throws IOException {
    String readme = differencesSection();
    List<String> problems = new ArrayList<>();
    for (Documented d : documented) {
      if (!readme.contains(d.readmeText())) {
        problems.add("README.md \"Differences from rkt\" no longer says: " + d.readmeText());
      }
      if (differences.stream().noneMatch(d::covers)) {
        problems.add("documented but not seen any more (update README.md and this test): " + d.readmeText());
      }
    }
    for (Facts.Difference diff : differences) {
      if (documented.stream().noneMatch(d -> d.covers(diff))) {
        problems.add("undocumented difference (" + columns + ") " + diff);
      }
    }
    if (!problems.isEmpty()) {
      fail(problems.size() + " problem(s) (all facts: " + FACTS_DIR + "/):\n" + String.join("\n", problems));
    }
  }

  private static String differencesSection() throws IOException {
    String text = Files.readString(README);
    int start = text.indexOf("## Differences from rkt");
    assertTrue(start >= 0, README + " has no \"Differences from rkt\" section");
    int end = text.indexOf("\n## ", start + 1);
    return text.substring(start, end < 0 ? text.length() : end).replaceAll("\\s+", " ");
  }

  /** The environment of every command; PWD, SHLVL, _ and OLDPWD are there to show a shell rewriting them. */
  private static Map<String, String> callerEnvironment() throws IOException {
    return Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
        "PWD", Path.of("").toRealPath().toString(), "OLDPWD", "/", "SHLVL", "1", "_", "/usr/bin/caller",
        "CALLER_VAR", "from the caller");
  }

  /**
   * The real pod manifest rkt wrote for the two apps, as rkt writes it: the fixture file was saved with a trailing
   * newline that rkt does not write, and the stand-in copies what it is given byte for byte.
   */
  private static Path fixture() throws Exception {
    Path file = tmp.resolve("two-apps-exit5.json");
    if (!Files.exists(file)) {
      Path saved = Path.of(Stage0VersusRktTest.class.getResource("/rkt-1.30.0/pod-manifests/two-apps-exit5.json")
          .toURI());
      Files.writeString(file, Files.readString(saved).stripTrailing());
    }
    return file;
  }

  /** The two app images under the names rkt gives them (the last part of the image name). */
  private static Map<String, Path> appsByName() {
    return Map.of("hello", apps.get(0), "hello2", apps.get(1));
  }

  /** The rkt to compare with, or one line saying what is missing. */
  private static Path requireRkt() throws Exception {
    String value = System.getProperty(RKT_PROPERTY, "");
    if (value.isBlank()) {
      fail("the rkt tier needs rkt 1.30.0: set RKT=/path/to/rkt (or put rkt on PATH) for build.sh, or pass -D"
          + RKT_PROPERTY + "=/path/to/rkt to Maven");
    }
    Path path = Path.of(value);
    if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
      fail(RKT_PROPERTY + "=" + value + " is not an executable file");
    }
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (uid != 0) {
      fail("the rkt tier needs root (rkt locks, renames and mounts under its data directory); running as uid " + uid);
    }
    ExecResult version = new Rkt(path, tmp.resolve("version"), System.getenv(), List.of()).version();
    if (version.exitCode() != 0 || !version.stdout().contains("rkt Version: 1.30.0")) {
      fail(RKT_PROPERTY + "=" + value + " is not rkt 1.30.0: " + (version.stdout() + version.stderr()).strip()
          .split("\n")[0]);
    }
    return path;
  }

  /** The real rkt, with or without overlay mounts. */
  record RktDriver(Path dataDir, boolean overlay) implements Stage0Scenario.Driver {
    @Override
    public Stage0Scenario.Pod start(Map<String, String> environment) throws Exception {
      Rkt r = new Rkt(rkt, dataDir, environment, INHERITING);
      Path log = Path.of(environment.get("FAKE_LOG"));
      CompletableFuture<ExecResult> run = r.start(stage1, apps, overlay, log.resolve("uuid"));
      Stage0Scenario.awaitReady(log, run);
      PodUuid uuid = PodUuid.of(Files.readString(log.resolve("uuid")).strip());
      return new Stage0Scenario.Pod(uuid, run, r);
    }

    @Override
    public Stage0Scenario.Removed prepareAndRemove(Map<String, String> environment) throws Exception {
      Rkt r = new Rkt(rkt, dataDir, environment, INHERITING);
      PodUuid uuid = PodUuid.of(r.prepare(stage1, apps, overlay).requireSuccess().stdout().strip());
      return new Stage0Scenario.Removed(uuid, r.rm(uuid));
    }
  }

  /** The stand-in, given the real pod manifest that rkt writes for the two apps. */
  record StandInDriver(Path dataDir) implements Stage0Scenario.Driver {
    @Override
    public Stage0Scenario.Pod start(Map<String, String> environment) throws Exception {
      Stage0 s = stage0(environment);
      PodUuid uuid = Stage0Scenario.newUuid();
      s.prepare(uuid, stage1, fixture(), appsByName());
      CompletableFuture<ExecResult> run = s.start(uuid);
      Stage0Scenario.awaitReady(Path.of(environment.get("FAKE_LOG")), run);
      return new Stage0Scenario.Pod(uuid, run, commands(s));
    }

    @Override
    public Stage0Scenario.Removed prepareAndRemove(Map<String, String> environment) throws Exception {
      Stage0 s = stage0(environment);
      PodUuid uuid = Stage0Scenario.newUuid();
      s.prepare(uuid, stage1, fixture(), appsByName());
      return new Stage0Scenario.Removed(uuid, s.gc(uuid));
    }

    private Stage0 stage0(Map<String, String> environment) {
      return new Stage0(dataDir, environment, Duration.ofMinutes(1), INHERITING);
    }

    /** The stand-in's commands under rkt's names: its gc is rkt rm, its status's state stands for list's. */
    private static Stage0Scenario.Commands commands(Stage0 s) {
      return new Stage0Scenario.Commands() {
        @Override
        public ExecResult enter(PodUuid uuid, Optional<String> app, List<String> command)
            throws ProcessException, InterruptedException {
          return s.enter(uuid, app, command);
        }

        @Override
        public ExecResult stop(PodUuid uuid, boolean force) throws ProcessException, InterruptedException {
          return s.stop(uuid, force);
        }

        @Override
        public ExecResult rm(PodUuid uuid) throws ProcessException, InterruptedException {
          return s.gc(uuid);
        }

        @Override
        public ExecResult status(PodUuid uuid) throws ProcessException, InterruptedException {
          return s.run("status", uuid, List.of());
        }

        @Override
        public String listState(PodUuid uuid) throws ProcessException, InterruptedException {
          return s.status(uuid).state();
        }
      };
    }
  }
}
