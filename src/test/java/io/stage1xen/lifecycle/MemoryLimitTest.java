package io.stage1xen.lifecycle;

import static io.stage1xen.lifecycle.TestPods.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.ExecResult;
import io.stage1xen.stage0.Stage0;
import io.stage1xen.testing.FakeHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory asked of Xen never exceeds what {@code xl info} reports free. The first pod of a boot asks xl info and
 * a pod that does not fit is refused while its domain is planned, with one line naming both sizes and before
 * anything exists (no config, no xl create). The pods after it plan from the boot's cached xl info, which has no free
 * memory: Xen refuses their xl create, xl info is asked then, and the run ends with the same line and nothing left.
 * Two pods that both fit on their own and start at the same moment can only be told apart by Xen itself: then xl
 * create fails, and the run still ends in one line with nothing left.
 */
class MemoryLimitTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Pattern REFUSAL = Pattern.compile(
      "the pod's domain needs (\\d+) MiB but Xen has only (\\d+) MiB free \\(xl info free_memory\\)");

  @TempDir Path tmp;
  private FakeHost host;
  private Stage0 stage0;

  @AfterEach
  void endNamespace() {
    if (host != null) {
      host.close();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    host = new FakeHost(tmp);
    stage0 = host.stage0();
  }

  /** An app asking for this much memory (resource/memory limit in MB, decimal as appc's quantities are). */
  static String app(String name, int megabytes, String... ops) {
    return TestPods.appWith(name, ",\"isolators\":[{\"name\":\"resource/memory\",\"value\":{\"limit\":\""
        + megabytes + "M\"}}]", "", TestPods.fakeExec(ops));
  }

  private int memoryOf(PodUuid uuid) throws Exception {
    String cfg = Files.readString(host.podDirectory(uuid, PodState.RUN).resolve("xen/domain.cfg"));
    Matcher m = Pattern.compile("(?m)^memory = (\\d+)$").matcher(cfg);
    assertTrue(m.find(), cfg);
    return Integer.parseInt(m.group(1));
  }

  @Test
  void aPodBiggerThanTheFreeMemoryIsRefusedBeforeAnythingExists() throws Exception {
    host.setFreeMemoryMib(300);
    PodUuid uuid = host.prepare(pod(app("big", 400, "exit:0")));

    ExecResult r = stage0.run(uuid, "--net=none");

    assertEquals(254, r.exitCode());
    List<String> lines = FaultBench.errorLines(r.stderr());
    assertEquals(1, lines.size(), r.stderr());
    Matcher m = REFUSAL.matcher(lines.get(0));
    assertTrue(m.find(), lines.get(0));
    assertEquals(48 + 382, Integer.parseInt(m.group(1)), "48 MiB for the guest and 400 MB for the app");
    assertEquals(300, Integer.parseInt(m.group(2)));
    assertEquals(List.of("info"), host.xlCalls(), "asked, then refused: no create");
    assertFalse(Files.exists(host.podDirectory(uuid, PodState.RUN).resolve("xen")), "not even a config");
  }

  @Test
  void aPodOfExactlyTheFreeMemoryRuns() throws Exception {
    PodUuid probe = host.prepare(pod(app("fits", 200, "exit:0")));
    assertEquals(0, stage0.run(probe, "--net=none").exitCode());
    host.setFreeMemoryMib(memoryOf(probe));
    PodUuid uuid = host.prepare(pod(app("fits", 200, "exit:0")));

    ExecResult r = stage0.run(uuid, "--net=none");

    assertEquals(0, r.exitCode(), r.stderr());
  }

  @Test
  void memoryTakenByRunningPodsIsNotOfferedAgain() throws Exception {
    host.setFreeMemoryMib(800);
    PodUuid first = host.prepare(pod(app("first", 300, "hang")));
    PodUuid second = host.prepare(pod(app("second", 300, "exit:0")));
    PodUuid blocker = host.prepare(pod(app("blocker", 300, "hang")));
    PodUuid third = host.prepare(pod(app("third", 300, "exit:0")));
    List<CompletableFuture<ExecResult>> hanging = new ArrayList<>();
    ExecResult fits;
    ExecResult refused;
    try {
      hanging.add(startReady(first));
      fits = stage0.run(second, "--net=none");
      hanging.add(startReady(blocker));
      refused = stage0.run(third, "--net=none");
    } finally {
      stage0.stop(first, true);
      stage0.stop(blocker, true);
    }
    for (CompletableFuture<ExecResult> h : hanging) {
      h.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    assertEquals(0, fits.exitCode(), "800 - 335 leaves room for a second pod: " + fits.stderr());
    assertEquals(254, refused.exitCode());
    Matcher m = REFUSAL.matcher(refused.stderr());
    assertTrue(m.find(), refused.stderr());
    assertEquals(335, Integer.parseInt(m.group(1)), "48 MiB for the guest and 300 MB for the app");
    assertEquals(800 - 2 * 335, Integer.parseInt(m.group(2)), "xl info's free memory, after the two live pods");
    // the first pod asked xl info and kept it for the boot; the third learnt of the shortage from xl create, and
    // only then asked xl info again
    String thirdConfig = host.podDirectory(third, PodState.RUN).resolve("xen/domain.cfg").toString();
    List<String> calls = host.xlCalls();
    int thirdCreate = calls.indexOf(calls.stream().filter(c -> c.startsWith("create") && c.endsWith(" " + thirdConfig))
        .findFirst().orElseThrow(() -> new AssertionError("no xl create of the third pod: " + calls)));
    List<Integer> infos = infoCalls(calls);
    assertEquals(2, infos.size(), calls.toString());
    assertTrue(infos.get(0) < calls.indexOf(calls.stream().filter(c -> c.startsWith("create")).findFirst().get()),
        "the first pod asked before its create: " + calls);
    assertTrue(infos.get(1) > thirdCreate, "the third asked after its create failed: " + calls);
    assertEquals(List.of(), host.liveDomains());
  }

  private static List<Integer> infoCalls(List<String> calls) {
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).equals("info")) {
        at.add(i);
      }
    }
    return at;
  }

  private CompletableFuture<ExecResult> startReady(PodUuid uuid) throws Exception {
    CompletableFuture<ExecResult> run = stage0.start(uuid, "--net=none");
    Path ready = host.podDirectory(uuid, PodState.RUN).resolve("stage1/rootfs/rkt/supervisor-status");
    assertTrue(FakeHost.eventually(WAIT, () -> Files.isSymbolicLink(ready) || run.isDone()));
    return run;
  }

  @Test
  void podsRacingForTheLastMemoryGetOneLineOrTheirDomainNeverBoth() throws Exception {
    host.setFreeMemoryMib(800);
    List<PodUuid> pods = new ArrayList<>();
    for (String name : List.of("one", "two", "three", "four")) {
      pods.add(host.prepare(pod(app(name, 300, "sleep:3000", "exit:0"))));
    }
    List<CompletableFuture<ExecResult>> runs = new ArrayList<>();
    for (PodUuid uuid : pods) {
      runs.add(stage0.start(uuid, "--net=none"));
    }
    int ran = 0;
    for (CompletableFuture<ExecResult> run : runs) {
      ExecResult r = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      if (r.exitCode() == 0) {
        ran++;
        continue;
      }
      assertEquals(254, r.exitCode(), r.stderr());
      List<String> lines = FaultBench.errorLines(r.stderr());
      assertEquals(1, lines.size(), r.stderr());
      assertTrue(REFUSAL.matcher(lines.get(0)).find() || lines.get(0).contains("failed to free memory"),
          lines.get(0));
    }
    assertTrue(ran >= 1 && ran <= 2, "two pods of 335 MiB fit into 800, never three: " + ran + " ran");
    assertEquals(List.of(), host.liveDomains());
  }
}
