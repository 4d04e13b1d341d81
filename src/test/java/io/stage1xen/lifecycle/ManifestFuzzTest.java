package io.stage1xen.lifecycle;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.lifecycle.InProcessHost.Outcome;
import io.stage1xen.lifecycle.ManifestFuzzer.Category;
import io.stage1xen.lifecycle.ManifestFuzzer.FuzzCase;
import io.stage1xen.lifecycle.ManifestFuzzer.Symlink;
import io.stage1xen.testing.ReliabilityLog;
import io.stage1xen.testing.TreeSnapshot;
import io.stage1xen.volume.PodVolumes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile pods against run, stop and gc (in this JVM, through the command line layer, with the fake xl and fake
 * guests): every case must end in a correct pod or one line of error, with no stack trace, no foreign words in an
 * xl call, nothing changed outside the pod directory and nothing left after gc ({@link FuzzVerdict}). The cases
 * come from {@link ManifestFuzzer}; a failure names the seed and index that reproduce it
 * ({@code -Dstage1xen.fuzz.seed=S -Dstage1xen.fuzz.first=I -Dstage1xen.fuzz.cases=1}).
 */
class ManifestFuzzTest {
  /** Fixed, so that every run of the slice tries the same cases; the full run may be given another. */
  static final long SEED = Long.getLong("stage1xen.fuzz.seed", 1_130_2026L);
  /** A case that takes longer than this hangs: a finding of its own. */
  private static final long CASE_LIMIT_SECONDS = 90;

  @TempDir Path tmp;

  /** A few hundred cases on every `mvn test`. */
  @Test
  void aSliceOfHostilePodsFailsSafely() throws Exception {
    fuzz("fuzz-slice", Integer.getInteger("stage1xen.fuzz.first", 0), Integer.getInteger("stage1xen.fuzz.slice", 120));
  }

  /** The long run (tag fuzz): the same generator, more cases. */
  @Test
  @Tag("fuzz")
  void manyHostilePodsFailSafely() throws Exception {
    fuzz("fuzz-full", Integer.getInteger("stage1xen.fuzz.first", 100_000),
        Integer.getInteger("stage1xen.fuzz.cases", 400));
  }

  private void fuzz(String suite, int first, int count) throws Exception {
    InProcessHost host = new InProcessHost(tmp);
    Path hostData = Files.createDirectories(tmp.resolve("host-data"));
    Files.writeString(hostData.resolve("keep"), "host data\n");
    Path victim = Files.createDirectories(tmp.resolve("victim/srv"));
    Files.writeString(victim.resolve("keep"), "must stay\n");
    ManifestFuzzer generator = new ManifestFuzzer(hostData, victim.getParent());
    Map<Category, int[]> counts = new EnumMap<>(Category.class);
    Map<Category, Long> nanos = new EnumMap<>(Category.class);
    List<String> findings = new ArrayList<>();
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      for (int i = first; i < first + count; i++) {
        FuzzCase c = generator.generate(SEED, i);
        long start = System.nanoTime();
        Future<FuzzVerdict> verdict = worker.submit(() -> runCase(host, c));
        FuzzVerdict v;
        try {
          v = verdict.get(CASE_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          fail("case " + i + " (seed " + SEED + ", " + c.category() + ", " + c.what() + ") hung for "
              + CASE_LIMIT_SECONDS + " s");
          return;
        }
        nanos.merge(c.category(), System.nanoTime() - start, Long::sum);
        int[] n = counts.computeIfAbsent(c.category(), k -> new int[3]);
        n[0]++;
        n[1] += v.passed() ? 1 : 0;
        n[2] += v.podRan() ? 1 : 0;
        if (!v.passed()) {
          findings.add("case " + i + " (seed " + SEED + ", " + c.category() + ", " + ManifestFuzzer.show(c.what())
              + "): " + String.join("; ", v.problems()));
        }
      }
    } finally {
      worker.shutdownNow();
    }
    ReliabilityLog log = ReliabilityLog.start(suite);
    counts.forEach((cat, n) -> log.row(suite, cat.name().toLowerCase().replace('_', '-'), n[0], n[1],
        nanos.get(cat) / 1e9, n[2] + " ran as a correct pod, " + (n[0] - n[2]) + " refused with one line"));
    assertTrue(findings.isEmpty(), findings.size() + " of " + count + " cases failed:\n"
        + String.join("\n", findings.subList(0, Math.min(20, findings.size()))));
  }

  /**
   * A valid sandbox (a mutable pod without apps, docs/MUTABLE.md) stays up until it is stopped, and the in-process
   * entrypoints run one at a time: once it is ready, this asks its VM to power off, as {@code xl shutdown} does.
   */
  private static final java.util.regex.Pattern MUTABLE =
      java.util.regex.Pattern.compile("stage1/mutable\"\\s*,\\s*\"value\"\\s*:\\s*\"true\"");

  private static Thread stopSandboxWhenReady(Path pod, Path shutdownFile) {
    Thread t = new Thread(() -> {
      try {
        while (!Files.isSymbolicLink(pod.resolve("stage1/rootfs/rkt/supervisor-status"))) {
          Thread.sleep(100);
        }
        if (MUTABLE.matcher(Files.readString(pod.resolve("pod"))).find()) {
          Files.writeString(shutdownFile, "");
        }
      } catch (InterruptedException | IOException e) {
        // the run ended first
      }
    }, "sandbox-stopper");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static FuzzVerdict runCase(InProcessHost host, FuzzCase c) throws Exception {
    PodUuid uuid = PodUuid.of(c.uuid());
    Path pod = host.preparePod(uuid, c.podManifest(), c.images());
    for (Symlink link : c.symlinks()) {
      Path at = pod.resolve("stage1/rootfs/opt/stage2").resolve(c.images().containsKey(link.app()) ? link.app()
          : "missing").resolve("rootfs").resolve(link.path());
      Files.createDirectories(at.getParent());
      Files.deleteIfExists(at);
      Files.createSymbolicLink(at, Path.of(link.target()));
    }
    Path state = host.xen().xenState();
    Set<Path> notOurs = Set.of(pod, state, host.root().resolve("host-root/proc"));
    TreeSnapshot before = TreeSnapshot.of(host.root(), notOurs);
    int calls = host.xen().xlCalls().size();

    Thread stopper = stopSandboxWhenReady(pod, state.resolve("shutdown-rkt-" + c.uuid()));
    Outcome run;
    try {
      run = host.run(uuid, "--net=none");
    } finally {
      stopper.interrupt();
    }
    Outcome stop = host.stop(uuid, false);
    Outcome gc = host.gc(uuid);

    List<String> xl = host.xen().xlCalls();
    Path cfg = pod.resolve("xen/domain.cfg");
    FuzzVerdict verdict = FuzzVerdict.judge(new FuzzVerdict.Facts(pod, c.uuid(), run, stop, gc,
        xl.subList(calls, xl.size()), Files.exists(cfg) ? Files.readString(cfg) : null,
        TreeSnapshot.of(host.root(), notOurs).changesSince(before), host.mountedUnder(pod),
        host.xen().liveDomains()));
    PodVolumes.deleteTree(pod); // what rkt does after gc (never following the hostile symlinks)
    return verdict;
  }
}
