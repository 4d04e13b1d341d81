package io.stage1xen.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.PodUuid;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodLayoutTest {
  static final String UUID = "f31ac7c7-0f1b-4b6c-a0ab-3b9c1bb0d4a2";
  @TempDir Path tmp;

  @Test
  void everyPathOfTheContractLayout() {
    Path pod = Path.of("/data/rkt/pods/run/" + UUID);
    PodLayout l = PodLayout.of(pod);
    AcName app = AcName.of("hello");
    String r = pod.toString();
    assertEquals(r + "/pod", l.podManifest().toString());
    assertEquals(r + "/pod-created", l.podCreated().toString());
    assertEquals(r + "/pod.lck", l.podLock().toString());
    assertEquals(r + "/stage1/manifest", l.stage1Manifest().toString());
    assertEquals(r + "/stage1/rootfs", l.stage1Rootfs().toString());
    assertEquals(r + "/stage1TreeStoreID", l.stage1TreeStoreId().toString());
    assertEquals(r + "/overlay-prepared", l.overlayPrepared().toString());
    assertEquals(r + "/overlay", l.overlayDirectory().toString());
    assertEquals(r + "/private-users-prepared", l.privateUsersPrepared().toString());
    assertEquals(r + "/appsinfo/hello/manifest", l.appsInfoManifest(app).toString());
    assertEquals(r + "/appsinfo/hello/treeStoreID", l.appsInfoTreeStoreId(app).toString());
    assertEquals(r + "/stage1/rootfs/opt/stage2/hello/manifest", l.appManifest(app).toString());
    assertEquals(r + "/stage1/rootfs/opt/stage2/hello/rootfs", l.appRootfs(app).toString());
    assertEquals(r + "/stage1/rootfs/rkt/status/hello", l.appStatus(app).toString());
    assertEquals(r + "/stage1/rootfs/rkt/status/hello-created", l.appCreatedMarker(app).toString());
    assertEquals(r + "/stage1/rootfs/rkt/status/hello-started", l.appStartedMarker(app).toString());
    assertEquals(r + "/stage1/rootfs/rkt/env/hello", l.appEnvironment(app).toString());
    assertEquals(r + "/stage1/rootfs/rkt/supervisor-status", l.supervisorStatus().toString());
    assertEquals(r + "/stage1/rootfs/etc/rkt-resolv.conf", l.stage0ResolvConf().toString());
    assertEquals(r + "/stage1/rootfs/etc/rkt-hosts", l.stage0Hosts().toString());
    assertEquals(r + "/stage1/rootfs/etc/hosts-fallback", l.hostsFallback().toString());
    assertEquals(r + "/pid", l.pidFile().toString());
    assertEquals(r + "/ppid", l.ppidFile().toString());
    assertEquals(r + "/subcgroup", l.subcgroupFile().toString());
    assertEquals(r + "/net-info.json", l.netInfo().toString());
    assertEquals(r + "/xen/domain.cfg", l.domainConfig().toString());
    assertEquals(r + "/xen/ctl.sock", l.controlSocket().toString());
    assertEquals(r + "/xen/xl-create.log", l.xlCreateLog().toString());
    assertEquals(r + "/xen/stop-requested", l.stopRequestedMarker().toString());
    assertEquals(r + "/xen/stop-forced", l.stopForcedMarker().toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      /var/lib/rkt/pods/run/UUID            | RUN            | false | /var/lib/rkt
      /var/lib/rkt/pods/exited-garbage/UUID | EXITED_GARBAGE | true  | /var/lib/rkt
      /srv/rkt-data/pods/prepared/UUID      | PREPARED       | false | /srv/rkt-data
      /srv/rkt-data/pods/garbage/UUID       | GARBAGE        | false | /srv/rkt-data
      /tmp/some/dir/UUID                    |                | false |
      /var/lib/rkt/notpods/run/UUID         |                | false |
      /var/lib/rkt/pods/other/UUID          |                | false |
      """)
  void stateFromTheDirectory(String dir, PodState state, boolean garbage, String dataDir) {
    PodLayout l = PodLayout.of(Path.of(dir.replace("UUID", UUID)));
    assertEquals(Optional.ofNullable(state), l.state());
    assertEquals(garbage, l.isExitedGarbage());
    assertEquals(Optional.ofNullable(dataDir).map(Path::of), l.dataDirectory());
    assertEquals(Optional.of(PodUuid.of(UUID)), l.uuid());
  }

  @Test
  void uuidOnlyWhenTheDirectoryIsNamedLikeOne() {
    assertEquals(Optional.empty(), PodLayout.of(Path.of("/x/pods/run/not-a-uuid")).uuid());
    assertEquals(Optional.empty(), PodLayout.of(Path.of("/")).uuid());
  }

  @Test
  void normalisedAndAbsolute() {
    assertEquals(Path.of("/a/pods/run/" + UUID), PodLayout.of(Path.of("/a/x/../pods/./run/" + UUID)).root());
    assertTrue(PodLayout.of(Path.of("relative")).root().isAbsolute());
    assertThrows(Stage1Failure.class, () -> new PodLayout(Path.of("relative")));
    assertThrows(Stage1Failure.class, () -> new PodLayout(null));
  }

  @Test
  void fromTheWorkingDirectory() {
    assertEquals(Path.of(System.getProperty("user.dir")), PodLayout.fromWorkingDirectory().root());
  }

  @Test
  void overlayModeIsTheMarker() throws Exception {
    PodLayout l = PodLayout.of(tmp);
    assertEquals(PodLayout.Mode.NO_OVERLAY, l.mode());
    Files.createFile(l.overlayPrepared());
    assertEquals(PodLayout.Mode.OVERLAY, l.mode());
  }

  @Test
  void appNamesCannotEscape() {
    PodLayout l = PodLayout.of(Path.of("/p"));
    assertThrows(Stage1Failure.class, () -> l.appRootfs(AcName.of("..")));
    assertFalse(l.appRootfs(AcName.of("a")).toString().contains(".."));
  }
}
