package io.stage1xen.guest.qemu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.guest.AppPlan;
import io.stage1xen.guest.ControlChannel.Listener.PoweroffReason;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.guest.SharePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boot-to-app-exec time and memory of the guest under QEMU, and the smallest {@code -m} that runs the test apps
 * reliably. A benchmark, not a test of limits: it asserts only that the largest size works, and prints a table
 * (also written to target/guest-benchmark.txt) for docs/BENCHMARKS.md. Tagged "bench": run it with
 * {@code mvn test -DexcludedTestGroups= -Dgroups=bench -Dstage1xen.guest.dir=…}; {@code -Dstage1xen.bench.boots=N}
 * and {@code -Dstage1xen.bench.memory=256,128,…} change the defaults.
 */
@Tag("bench")
class GuestBootBenchmarkTest {
  private static final Pattern MEM = Pattern.compile("MemTotal:\\s+(\\d+) kB.*MemAvailable:\\s+(\\d+) kB",
      Pattern.DOTALL);
  private static final Pattern UPTIME = Pattern.compile("uptime_ms=(\\d+)");
  @TempDir Path tmp;

  record Boot(boolean ok, long helloMs, long outputMs, long totalMs, long guestUptimeAtHello, long memTotalKb,
      long memAvailableKb, String failure) {}

  @Test
  void bootTimesAndMemory() throws Exception {
    GuestArtifacts guest = GuestArtifacts.fromSystemProperties();
    int boots = Integer.getInteger("stage1xen.bench.boots", 5);
    List<Integer> sizes = new ArrayList<>();
    for (String s : System.getProperty("stage1xen.bench.memory", "256,128,96,80,64,56,48").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    Path root = TestRootfs.make(tmp.resolve("root"));
    StringBuilder table = new StringBuilder(
        "| -m MiB | boots ok | HELLO ms (median) | first app output ms (median) | guest uptime at HELLO ms | pod done ms"
            + " | MemTotal kB | MemAvailable kB (apps running) |\n|---|---|---|---|---|---|---|---|\n");
    boolean largestOk = false;
    for (int mem : sizes) {
      List<Boot> results = new ArrayList<>();
      for (int i = 0; i < boots; i++) {
        results.add(boot(guest, root, mem, tmp.resolve("vm-" + mem + "-" + i)));
        if (!results.get(results.size() - 1).ok()) {
          break; // one failure is enough to call this size unreliable
        }
      }
      List<Boot> ok = results.stream().filter(Boot::ok).toList();
      if (mem == sizes.get(0)) {
        largestOk = ok.size() == results.size();
      }
      table.append(String.format("| %d | %d/%d | %s | %s | %s | %s | %s | %s |%n", mem, ok.size(), results.size(),
          median(ok, Boot::helloMs), median(ok, Boot::outputMs), median(ok, Boot::guestUptimeAtHello),
          median(ok, Boot::totalMs), median(ok, Boot::memTotalKb), median(ok, Boot::memAvailableKb)));
      results.stream().filter(b -> !b.ok()).forEach(b -> table.append("|  | failure: ").append(b.failure())
          .append(" | | | | | | |\n"));
      if (ok.isEmpty()) {
        break;
      }
    }
    System.out.println(table);
    Files.writeString(Path.of("target", "guest-benchmark.txt"), table);
    assertTrue(largestOk, table.toString());
  }

  private static String median(List<Boot> l, java.util.function.ToLongFunction<Boot> f) {
    if (l.isEmpty()) {
      return "-";
    }
    long[] v = l.stream().mapToLong(f).sorted().toArray();
    return Long.toString(v[v.length / 2]);
  }

  private static Boot boot(GuestArtifacts guest, Path root, int mem, Path dir) throws Exception {
    AppPlan app = AppPlan.builder("bench", "/s1x/app0",
        List.of("/bin/sh", "-c", "echo up; cat /proc/meminfo")).build();
    AppPlan second = AppPlan.builder("second", "/s1x/app0", List.of("/bin/true")).build();
    PodPlan plan = new PodPlan("bench", null, null, false, Duration.ofSeconds(2), false,
        List.of(new SharePlan("app0", "/s1x/app0", false)), List.of(app, second));
    try (QemuGuest vm = new QemuGuest(guest, dir, mem, List.of(root), false)) {
      vm.start(plan);
      boolean off = vm.events.awaitPoweroff(Duration.ofSeconds(120));
      long total = vm.elapsedMillis();
      RecordingEvents ev = vm.events;
      if (!off || ev.reason != PoweroffReason.ALL_DONE || !ev.stdoutText(1).startsWith("up")) {
        String serial = vm.serial();
        String tail = serial.substring(Math.max(0, serial.length() - 300)).replace('\n', ' ');
        return new Boot(false, 0, 0, 0, 0, 0, 0, "reason " + ev.reason + ", serial: " + tail);
      }
      Matcher m = MEM.matcher(ev.stdoutText(1));
      Matcher u = UPTIME.matcher(ev.hello);
      return new Boot(true, ev.helloMillis, ev.firstOutputMillis, total, u.find() ? Long.parseLong(u.group(1)) : -1,
          m.find() ? Long.parseLong(m.group(1)) : -1, m.find(0) ? Long.parseLong(m.group(2)) : -1, "");
    }
  }
}
