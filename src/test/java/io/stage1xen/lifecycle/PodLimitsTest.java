package io.stage1xen.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.ExecResult;
import io.stage1xen.testing.MountNamespace;
import io.stage1xen.xen.HostConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An image asking for more than host.conf's pod limits, run through the stage0 emulator on a pod that would hold a
 * domain, real bind mounts (a host and an empty volume) and an address of the default network ({@link FaultBench}):
 * the run is refused in one line naming the app, the isolator or field, the value, the limit and the file to raise
 * it in, exits 254, and nothing was made: no config, no xl create, no mount, no lease, no domain.
 */
@Tag("faults")
class PodLimitsTest {
  @TempDir Path tmp;
  private FaultBench bench;

  @BeforeEach
  void setUp() {
    Assumptions.assumeTrue(MountNamespace.available(), "bind mounts need root, unshare and nsenter");
  }

  @AfterEach
  void tearDown() {
    if (bench != null) {
      bench.close();
    }
  }

  /** The bench's app (its root and two volumes: 3 shares) with these fields, and the refusal it gets. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "memory|,\"isolators\":[{\"name\":\"resource/memory\",\"value\":{\"limit\":\"1000M\"}}]|app app: isolator"
          + " resource/memory limit of 954 MiB: the pod's domain would need 1010 MiB, more than the 512 MiB a pod may"
          + " have (raise max-memory-mib in CONF)",
      "vcpus|,\"isolators\":[{\"name\":\"resource/cpu\",\"value\":{\"limit\":\"2500m\"}}]|app app: isolator"
          + " resource/cpu limit of 2500m: the pod would need 3 vCPUs, more than the 2 a pod may have (raise"
          + " max-vcpus in CONF)",
      "shares|,\"mountPoints\":[{\"name\":\"m1\",\"path\":\"/m1\"},{\"name\":\"m2\",\"path\":\"/m2\"}]|app app: its"
          + " mounts and mountPoints bring 4 volume shares besides its root filesystem's: the pod would need 5 9p"
          + " shares, more than the 4 a pod may have (raise max-shares in CONF)"})
  void aPodOverALimitIsRefusedBeforeAnythingExists(String limit, String appFields, String message) throws Exception {
    bench = new FaultBench(tmp);
    bench.host.localConfig("readiness-timeout-seconds = 4\nxl-timeout-seconds = 3\nstop-grace-seconds = 1\n"
        + "max-memory-mib = 512\nmax-vcpus = 2\nmax-shares = 4\n");
    PodUuid uuid = bench.prepareWith(appFields, "out:hello", "exit:0");

    ExecResult run = bench.run(uuid);

    assertEquals(254, run.exitCode(), run.stderr());
    String conf = HostConfig.location(bench.config).toString();
    assertEquals(List.of("stage1-xen run: " + message.replace("CONF", conf)), FaultBench.errorLines(run.stderr()),
        run.stderr());
    assertEquals(List.of("info"), bench.host.xlCalls(), "asked the host, then refused: no create");
    assertFalse(Files.exists(bench.podDirectory(uuid, PodState.RUN).resolve("xen/domain.cfg"))
        || Files.exists(bench.podDirectory(uuid, PodState.EXITED_GARBAGE).resolve("xen/domain.cfg")),
        "no config written");
    assertEquals(List.of(), bench.leftovers(), "no domain, mount, lease or file outside the pod after run");
    ExecResult gc = bench.stage0.gc(uuid, "--local-config", bench.config.toString());
    assertEquals(0, gc.exitCode(), gc.stderr());
    assertEquals(List.of(), bench.leftovers());
    assertEquals(List.of(), bench.host.ipamCalls(), "no address was ever leased");
  }
}
