package io.stage1xen.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.guest.MountPlan;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.xen.HostVolumeOwnership;
import io.stage1xen.xen.P9SecurityModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The security model of each share: mapped everywhere unless the operator opts host volumes into passthrough. */
class ShareModelsTest {
  static final PodLayout LAYOUT = PodLayout.of(Path.of("/var/lib/rkt/pods/run/5f2a6c1e-8d3b-4a7e-9c10-2b4d6e8f0a13"));
  static final Path ROOTFS = LAYOUT.appRootfs(io.stage1xen.appc.AcName.of("web"));
  static final Path POD = LAYOUT.root();
  /** What the host's mount table says: /srv/tree has a tmpfs below it. */
  static final MountTable TABLE = MountTable.parse("""
      1 0 254:0 / / rw,relatime - ext4 /dev/vda rw
      2 1 0:40 / /srv/tree/cache rw,nosuid,nodev - tmpfs tmpfs rw
      """);

  @TempDir Path tmp;
  /** Every probe asked, as "path write|read". */
  private final List<String> asked = new ArrayList<>();

  /** A host where the filesystems of these paths have no user extended attributes. */
  private ShareModels.XattrProbe without(Set<Path> noXattrs) {
    return (path, mayWrite) -> {
      asked.add(path + (mayWrite ? " write" : " read"));
      return !noXattrs.contains(path);
    };
  }

  private static VolumeShare share(String tag, PodVolume v, boolean ro) {
    return new VolumeShare(tag, v, ro, LAYOUT.volumesDirectory().resolve(tag), "/s1x/share/" + tag);
  }

  /** A pod of one app (readOnlyRootFS as given) with a read-only host directory (recursive), a host file, an empty
   * volume and a second host directory that one app writes and another only reads. */
  private static VolumeMap pod(boolean readOnlyRoot) {
    PodVolume tree = PodVolume.host("tree", "volume \"tree\"", PodVolume.Kind.HOST_DIRECTORY, Path.of("/srv/tree"),
        true);
    PodVolume conf = PodVolume.host("conf", "volume \"conf\"", PodVolume.Kind.HOST_FILE, Path.of("/srv/app.conf"),
        false);
    PodVolume scratch = PodVolume.empty("scratch", "volume \"scratch\"", 0755, 0, 0);
    PodVolume both = PodVolume.host("both", "volume \"both\"", PodVolume.Kind.HOST_DIRECTORY, Path.of("/srv/both"),
        false);
    return new VolumeMap(List.of(share("app0", PodVolume.appRootfs("web", ROOTFS), readOnlyRoot)),
        List.of(share("vol0", tree, true), share("vol1", conf, false), share("vol2", scratch, false),
            share("vol3", both, true), share("vol4", both, false)),
        List.of(List.of(new MountPlan("/s1x/share/vol0", "/tree", true))));
  }

  private Map<String, String> decide(VolumeMap map, HostVolumeOwnership ownership, ShareModels.XattrProbe probe) {
    Map<String, String> out = new LinkedHashMap<>();
    ShareModels.decide(map, ownership, LAYOUT, TABLE, probe).forEach((k, m) -> out.put(k, m.xlName()));
    return out;
  }

  @Test
  void everyTreeIsMappedXattrWhereItsFilesystemsKeepUserXattrs() {
    assertEquals(Map.of("web/", "none", "tree", "mapped-xattr", "conf", "mapped-xattr", "scratch",
        "mapped-xattr", "both", "mapped-xattr"), decide(pod(true), HostVolumeOwnership.MAPPED, without(Set.of())),
        "an app's root is none: QEMU's mapped models cannot read the symlinks an image holds");
    assertEquals(List.of(
        "/srv/tree read", "/srv/tree/cache read", // only read by the apps: nothing is written to it
        "/srv/app.conf write", POD + " write", // the file, and the share's directory beside it, in the pod's
        POD + " write", // an empty volume's data is made in the pod's directory
        "/srv/both write"), asked, "each filesystem of each tree, once per tree");
  }

  @Test
  void anyFilesystemWithoutUserXattrsMakesItsTreeMappedFile() {
    Map<String, String> models = decide(pod(false), HostVolumeOwnership.MAPPED,
        without(Set.of(Path.of("/srv/tree/cache"), POD)));
    assertEquals(Map.of("web/", "none", "tree", "mapped-file", "conf", "mapped-file", "scratch",
        "mapped-file", "both", "mapped-xattr"), models, "a tmpfs submount, a pod directory on tmpfs");
  }

  @ParameterizedTest
  @EnumSource(HostVolumeOwnership.class)
  void onlyHostVolumesFollowTheOperatorsOwnershipSetting(HostVolumeOwnership ownership) {
    Map<String, String> models = decide(pod(false), ownership, without(Set.of()));
    String host = ownership == HostVolumeOwnership.PASSTHROUGH ? "none" : "mapped-xattr";
    assertEquals(Map.of("web/", "none", "tree", host, "conf", host, "scratch", "mapped-xattr", "both", host),
        models, "an empty volume never needs real owners in dom0");
    if (ownership == HostVolumeOwnership.PASSTHROUGH) {
      assertEquals(List.of(POD + " write"), asked, "passthrough asks no host volume's filesystem");
    }
  }

  @Test
  void theRealProbeLeavesNothingBehindAndSaysNoWhereTheFilesystemRefuses() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("dir"));
    boolean here = ShareModels.FILES.userXattrs(dir, true);
    assertEquals(here, ShareModels.FILES.userXattrs(dir, false), "writing and reading agree on " + dir);
    assertEquals(List.of(), Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class).list(),
        "the probe attribute is removed");
    assertFalse(ShareModels.FILES.userXattrs(Path.of("/proc/self"), true), "procfs keeps no user attributes");
    assertFalse(ShareModels.FILES.userXattrs(tmp.resolve("missing"), false), "unknown is mapped-file");
    assertTrue(P9SecurityModel.MAPPED_FILE.mapped() && !P9SecurityModel.NONE.mapped());
  }
}
