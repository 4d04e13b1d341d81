package io.stage1xen.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.AppcJson;
import io.stage1xen.appc.ImageManifest;
import io.stage1xen.appc.InvalidManifestException;
import io.stage1xen.appc.PodManifest;
import io.stage1xen.guest.MountPlan;
import io.stage1xen.guest.SharePlan;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.Pod;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.testing.PlainJson;
import io.stage1xen.xen.P9SecurityModel;
import io.stage1xen.xen.P9Share;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pure mapping of volumes, mounts and mount points to 9p shares and guest bind mounts (rkt's rules). */
class VolumeMapperTest {
  static final String ID = "sha512-36dc1531c150db562d74d7d8392ea946e56ec0e81bba35d0334c28489bd9f804";
  static final String UUID = "5f2a6c1e-8d3b-4a7e-9c10-2b4d6e8f0a13";
  static final PodLayout LAYOUT = PodLayout.of(Path.of("/var/lib/rkt/pods/run", UUID));
  static final Path VOLS = LAYOUT.volumesDirectory();

  /** A host where /srv/dir* are directories, /srv/file* regular files, /dev/* devices and the rest missing. */
  static final VolumeMapper.HostPaths HOST = p -> {
    String s = p.toString();
    if (s.startsWith("/srv/dir")) {
      return VolumeMapper.PathKind.DIRECTORY;
    }
    if (s.startsWith("/srv/file")) {
      return VolumeMapper.PathKind.FILE;
    }
    return s.startsWith("/dev/") ? VolumeMapper.PathKind.OTHER : VolumeMapper.PathKind.MISSING;
  };

  static String app(String name, String appBody, String runtimeExtra) {
    return "{\"name\":\"" + name + "\",\"image\":{\"name\":\"example.com/" + name + "\",\"id\":\"" + ID + "\"},"
        + "\"app\":{\"exec\":[\"/bin/sh\"],\"user\":\"0\",\"group\":\"0\"" + appBody + "}" + runtimeExtra + "}";
  }

  static String pod(String volumes, String... apps) {
    return "{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\",\"apps\":[" + String.join(",", apps)
        + "],\"volumes\":" + volumes + ",\"isolators\":null,\"annotations\":[],\"ports\":[]}";
  }

  static Pod load(PodLayout layout, String json) throws InvalidManifestException {
    PodManifest m = AppcJson.parsePodManifest(json, layout.podManifest().toString());
    Map<AcName, ImageManifest> images = new LinkedHashMap<>();
    for (AcName a : m.appNames()) {
      images.put(a, AppcJson.parseImageManifest("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\","
          + "\"name\":\"example.com/" + a + "\"}", "image"));
    }
    return new Pod(layout, m, images);
  }

  static VolumeMap map(String json) throws InvalidManifestException {
    return VolumeMapper.map(load(LAYOUT, json), HOST);
  }

  /** Every app's root as if on a filesystem with user extended attributes, every volume as if on one without. */
  static final Map<String, P9SecurityModel> MODELS = new java.util.HashMap<>();

  static {
    for (String key : List.of("web/", "a/", "conf", "data", "d")) {
      MODELS.put(key, key.endsWith("/") ? P9SecurityModel.MAPPED_XATTR : P9SecurityModel.MAPPED_FILE);
    }
  }

  @Test
  void everyAppsRootIsAShareOfItsOwnInThePodReadOnlyWithReadOnlyRootFs() throws Exception {
    VolumeMap m = map(pod("[{\"name\":\"data\",\"kind\":\"empty\"}]",
        app("web", "", mountsOf("data", "/data")), app("db", "", ",\"readOnlyRootFS\":true")));

    assertEquals(List.of("app0", "app1"), m.roots().stream().map(VolumeShare::tag).toList());
    VolumeShare web = m.roots().get(0);
    VolumeShare db = m.roots().get(1);
    assertEquals(PodVolume.appRootfs("web", LAYOUT.appRootfs(new AcName("web"))), web.volume());
    assertEquals(PodVolume.Kind.APP_ROOTFS, db.volume().kind());
    assertEquals(LAYOUT.appRootfs(new AcName("db")), db.volume().source().orElseThrow());
    assertEquals(List.of(false, true), List.of(web.readOnly(), db.readOnly()), "readOnlyRootFS");
    assertEquals(List.of(LAYOUT.appRootfs(new AcName("web")), VOLS.resolve("app1")),
        List.of(web.hostDir(), db.hostDir()),
        "a writable root is exported where rkt mounted it, a read-only one from a bind of the pod's own");
    assertEquals(List.of(true, false), List.of(web.exportedInPlace(), db.exportedInPlace()));
    assertEquals(List.of(new SharePlan("app0", "/s1x/share/app0", false), new SharePlan("app1", "/s1x/share/app1", true),
        new SharePlan("vol0", "/s1x/share/vol0", false)), m.sharePlans(), "the guest mounts a read-only root read-only");
    assertEquals(List.of("web/", "db/", "data"), m.volumes().stream().map(PodVolume::key).toList());
    assertEquals(List.of("vol0"), m.shares().stream().map(VolumeShare::tag).toList(), "volumes are numbered apart");
  }

  static String sandbox(String... apps) {
    return "{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\",\"apps\":[" + String.join(",", apps)
        + "],\"volumes\":[],\"isolators\":null,\"annotations\":[{\"name\":\"coreos.com/rkt/stage1/mutable\","
        + "\"value\":\"true\"}],\"ports\":[]}";
  }

  /** rkt app add --mnt-volume: a mount with an inline appVolume. */
  static String appVolume(String name, String path, String volumeFields) {
    return "{\"volume\":\"" + name + "\",\"path\":\"" + path + "\",\"appVolume\":{\"name\":\"" + name + "\""
        + volumeFields + "}}";
  }

  @Test
  void aMutablePodBootsWithTheSharesOfAddedAppsAndOfTheirVolumes() throws Exception {
    VolumeMap m = map(sandbox());

    assertEquals(List.of(new SharePlan("stage2", "/s1x/share/stage2", false),
        new SharePlan("stage2vol", "/s1x/share/stage2vol", false)), m.sharePlans());
    assertEquals(List.of(VOLS.resolve("added"), VOLS.resolve("addedvol")),
        m.roots().stream().map(r -> r.volume().source().orElseThrow()).toList(), "the pod's own, never rkt's tree");
    assertEquals(List.of(PodVolume.Kind.ADDED_APPS, PodVolume.Kind.ADDED_VOLUMES),
        m.roots().stream().map(r -> r.volume().kind()).toList());
  }

  @Test
  void anAddedAppsVolumesAreSlotsOfTheVolumeShareByTheRulesOfAPodsApp() throws Exception {
    String web = app("web", ",\"mountPoints\":[{\"name\":\"cache\",\"path\":\"/cache\"}]",
        ",\"mounts\":[" + appVolume("data", "/var/data", ",\"kind\":\"host\",\"source\":\"/srv/dir\"") + ","
            + appVolume("conf", "/etc/app.conf", ",\"kind\":\"host\",\"source\":\"/srv/file.conf\",\"readOnly\":true")
            + "]");
    Pod pod = load(LAYOUT, sandbox(app("first", "", ""), web));

    VolumeMap m = VolumeMapper.addedApp(pod, new AcName("web"), HOST);

    assertEquals(List.of(), m.roots(), "no share of its own: the pod booted with every share it has");
    assertEquals(List.of("vol0", "vol1", "vol2"), m.shares().stream().map(VolumeShare::tag).toList());
    assertEquals(List.of(VOLS.resolve("stage2vol/web/vol0"), VOLS.resolve("stage2vol/web/vol1/file"),
        VOLS.resolve("stage2vol/web/vol2")), m.shares().stream().map(VolumeShare::mountPoint).toList());
    assertEquals(List.of(new MountPlan("/s1x/share/stage2vol/web/vol2", "/cache", false),
        new MountPlan("/s1x/share/stage2vol/web/vol0", "/var/data", false),
        new MountPlan("/s1x/share/stage2vol/web/vol1/file", "/etc/app.conf", true)), m.mounts(0),
        "the same mounts as a pod's app would get, from its slots; shallower first");
    assertEquals(List.of("web.data", "web.conf", "web.cache"), m.volumes().stream().map(PodVolume::key).toList(),
        "the mount point without a volume gets an empty volume of the app's own");
    assertEquals(m, VolumeMapper.addedApp(pod, new AcName("web"), HOST), "app/add and the supervisor agree");
  }

  @Test
  void anAddedAppsMissingHostSourceIsOneLineNamingTheField() throws Exception {
    Pod pod = load(LAYOUT, sandbox(app("web", "", ",\"mounts\":[" + appVolume("data", "/data",
        ",\"kind\":\"host\",\"source\":\"/srv/missing\"") + "]")));

    Stage1Failure e = assertThrows(Stage1Failure.class, () -> VolumeMapper.addedApp(pod, new AcName("web"), HOST));
    assertEquals(LAYOUT.podManifest() + ": apps[0].mounts[0].appVolume.source: the host path of inline volume"
        + " \"data\" of app web does not exist: \"/srv/missing\"", e.getMessage());
  }

  static String mountsOf(String name, String path) {
    return ",\"mounts\":[{\"volume\":\"" + name + "\",\"path\":\"" + path + "\"}]";
  }

  @Test
  void aHostDirectoryBecomesOneShareUnderThePodAndABindMountInTheApp() throws Exception {
    VolumeMap m = map(pod("[{\"name\":\"data\",\"kind\":\"host\",\"source\":\"/srv/dir,with comma\"}]",
        app("web", "", mountsOf("data", "/var/data"))));

    assertEquals(List.of(new P9Share("app0", LAYOUT.appRootfs(new AcName("web")), P9SecurityModel.MAPPED_XATTR),
        new P9Share("vol0", VOLS.resolve("vol0"), P9SecurityModel.MAPPED_FILE)), m.p9Shares(MODELS),
        "only paths of the pod's own reach xl.cfg, so the source may hold a comma");
    assertEquals(List.of(new SharePlan("app0", "/s1x/share/app0", false),
        new SharePlan("vol0", "/s1x/share/vol0", false)), m.sharePlans());
    assertEquals(List.of(new MountPlan("/s1x/share/vol0", "/var/data", false)), m.mounts(0));
    PodVolume v = m.shares().get(0).volume();
    assertEquals(PodVolume.Kind.HOST_DIRECTORY, v.kind());
    assertEquals(Optional.of(Path.of("/srv/dir,with comma")), v.source());
    assertTrue(v.recursive(), "recursive unless the manifest says otherwise, as rkt's stage1");
    assertEquals(VOLS.resolve("vol0"), m.shares().get(0).mountPoint());
  }

  @Test
  void aHostFileIsSharedAsAFileInsideAShareDirectory() throws Exception {
    VolumeMap m = map(pod("[{\"name\":\"conf\",\"kind\":\"host\",\"source\":\"/srv/file.conf\",\"readOnly\":true}]",
        app("web", "", mountsOf("conf", "/etc/app.conf"))));

    VolumeShare s = m.shares().get(0);
    assertEquals(PodVolume.Kind.HOST_FILE, s.volume().kind());
    assertEquals(VOLS.resolve("vol0/file"), s.mountPoint(), "the host file is bind-mounted on an empty file");
    assertEquals(new P9Share("vol0", VOLS.resolve("vol0"), P9SecurityModel.MAPPED_FILE), m.p9Shares(MODELS).get(1),
        "the share is its directory");
    assertEquals(List.of(new MountPlan("/s1x/share/vol0/file", "/etc/app.conf", true)), m.mounts(0));
    assertEquals(new SharePlan("vol0", "/s1x/share/vol0", true), m.sharePlans().get(1));
  }

  @Test
  void anEmptyVolumeKeepsModeOwnerAndIsSharedByEveryAppThatMountsIt() throws Exception {
    VolumeMap m = map(pod("[{\"name\":\"scratch\",\"kind\":\"empty\",\"mode\":\"01770\",\"uid\":1000,\"gid\":4294967294}]",
        app("writer", "", mountsOf("scratch", "/out")), app("reader", "", mountsOf("scratch", "/in"))));

    assertEquals(1, m.shares().size(), "one volume, one share, both apps");
    PodVolume v = m.shares().get(0).volume();
    assertEquals(PodVolume.empty("scratch", "volume \"scratch\"", 01770, 1000, 4294967294L), v);
    assertEquals(VOLS.resolve("empty/scratch"), v.dataDirectory(LAYOUT));
    assertEquals(List.of(new MountPlan("/s1x/share/vol0", "/out", false)), m.mounts(0));
    assertEquals(List.of(new MountPlan("/s1x/share/vol0", "/in", false)), m.mounts(1));
  }

  @Test
  void emptyVolumeDefaultsAre0755Root() throws Exception {
    VolumeMap m = map(pod("[{\"name\":\"tmp\",\"kind\":\"empty\"}]", app("a", "", mountsOf("tmp", "/tmp"))));
    assertEquals(PodVolume.empty("tmp", "volume \"tmp\"", 0755, 0, 0), m.shares().get(0).volume());
  }

  @Test
  void aMountPointWithoutVolumeGetsAnEmptyVolumeOfItsAppOnly() throws Exception {
    String mp = ",\"mountPoints\":[{\"name\":\"data\",\"path\":\"/data\",\"readOnly\":true}]";
    // a pod volume named "a-data" must not be confused with app a's own volume for mount point "data"
    VolumeMap m = map(pod("[{\"name\":\"a-data\",\"kind\":\"host\",\"source\":\"/srv/dir\"}]",
        app("a", mp, mountsOf("a-data", "/other")), app("b", mp, "")));

    List<String> keys = m.shares().stream().map(s -> s.volume().key()).toList();
    assertEquals(List.of("a-data", "a.data", "b.data"), keys);
    assertEquals(PodVolume.Kind.EMPTY, m.shares().get(1).volume().kind());
    assertEquals(0755, m.shares().get(1).volume().mode());
    assertEquals(List.of(new MountPlan("/s1x/share/vol0", "/other", false),
        new MountPlan("/s1x/share/vol1", "/data", true)), m.mounts(0), "the mount point's readOnly applies");
    assertEquals(List.of(new MountPlan("/s1x/share/vol2", "/data", true)), m.mounts(1));
  }

  @Test
  void aMountPointUsesThePodVolumeOfItsName() throws Exception {
    VolumeMap m = map(pod("[{\"name\":\"data\",\"kind\":\"host\",\"source\":\"/srv/dir\"}]",
        app("a", ",\"mountPoints\":[{\"name\":\"data\",\"path\":\"/data\"}]", "")));
    assertEquals(List.of(new MountPlan("/s1x/share/vol0", "/data", false)), m.mounts(0));
    assertEquals(PodVolume.Kind.HOST_DIRECTORY, m.shares().get(0).volume().kind());
  }

  /** rkt: the volume's readOnly when it is set, else the app's mount point of the volume's name, else false. */
  static Stream<Arguments> readOnlyRules() {
    return Stream.of(
        Arguments.of(null, null, false),
        Arguments.of(null, false, false),
        Arguments.of(null, true, true),
        Arguments.of(true, null, true),
        Arguments.of(true, false, true),
        Arguments.of(false, true, false),
        Arguments.of(true, true, true),
        Arguments.of(false, null, false));
  }

  @ParameterizedTest(name = "volume readOnly {0}, mount point readOnly {1} -> {2}")
  @MethodSource("readOnlyRules")
  void readOnlyFollowsRkt(Boolean volumeRo, Boolean mountPointRo, boolean expected) throws Exception {
    String vol = "[{\"name\":\"data\",\"kind\":\"host\",\"source\":\"/srv/dir\""
        + (volumeRo == null ? "" : ",\"readOnly\":" + volumeRo) + "}]";
    String mp = mountPointRo == null ? ""
        : ",\"mountPoints\":[{\"name\":\"data\",\"path\":\"/mp\",\"readOnly\":" + mountPointRo + "}]";
    VolumeMap viaMount = map(pod(vol, app("a", mp, mountsOf("data", "/mp"))));
    assertEquals(List.of(new MountPlan("/s1x/share/vol0", "/mp", expected)), viaMount.mounts(0), "through a mount");
    assertEquals(expected, viaMount.shares().get(0).readOnly(), "the share itself is read-only");
    if (mountPointRo != null) {
      VolumeMap viaMountPoint = map(pod(vol, app("a", mp, "")));
      assertEquals(List.of(new MountPlan("/s1x/share/vol0", "/mp", expected)), viaMountPoint.mounts(0),
          "through the mount point alone");
    }
  }

  @Test
  void aVolumeMountedReadOnlyByOneAppAndWritableByAnotherGetsTwoShares() throws Exception {
    String roMp = ",\"mountPoints\":[{\"name\":\"data\",\"path\":\"/data\",\"readOnly\":true}]";
    VolumeMap m = map(pod("[{\"name\":\"data\",\"kind\":\"empty\"}]",
        app("writer", "", mountsOf("data", "/data")), app("reader", roMp, mountsOf("data", "/data"))));

    assertEquals(List.of(new SharePlan("vol0", "/s1x/share/vol0", false), new SharePlan("vol1", "/s1x/share/vol1",
        true)), m.sharePlans().subList(2, 4), "after the two apps' roots");
    assertEquals(m.shares().get(0).volume(), m.shares().get(1).volume(), "the same files behind both");
    assertEquals(List.of(new MountPlan("/s1x/share/vol1", "/data", true)), m.mounts(1));
    assertEquals(3, m.volumes().size(), "two roots and one volume");
  }

  static Stream<Arguments> recursiveRules() {
    return Stream.of(Arguments.of("", true), Arguments.of(",\"recursive\":true", true),
        Arguments.of(",\"recursive\":false", false));
  }

  @ParameterizedTest(name = "recursive{0} -> {1}")
  @MethodSource("recursiveRules")
  void recursiveDefaultsToTrue(String field, boolean expected) throws Exception {
    VolumeMap m = map(pod("[{\"name\":\"data\",\"kind\":\"host\",\"source\":\"/srv/dir\"" + field + "}]",
        app("a", "", mountsOf("data", "/d"))));
    assertEquals(expected, m.shares().get(0).volume().recursive());
  }

  static Stream<Arguments> targets() {
    return Stream.of(
        Arguments.of("/data", "/data"),
        Arguments.of("//data//x/", "/data/x"),
        Arguments.of("/./data/./x/.", "/data/x"),
        Arguments.of("/with space/and\nnewline", "/with space/and\nnewline"),
        Arguments.of("/ünïcödé/€", "/ünïcödé/€"),
        Arguments.of("/a,b=c\"d'e\\f", "/a,b=c\"d'e\\f"),
        Arguments.of("/-n", "/-n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void mountPathsAreCleanedButNeverReinterpreted(String path, String expected) throws Exception {
    String json = pod("[{\"name\":\"data\",\"kind\":\"empty\"}]",
        app("a", "", ",\"mounts\":[{\"volume\":\"data\",\"path\":" + PlainJson.write(path) + "}]"));
    assertEquals(expected, map(json).mounts(0).get(0).target());
  }

  static Stream<Arguments> invalidTargets() {
    return Stream.of(
        Arguments.of("/", "apps[0].mounts[0].path: is the app's root directory"),
        Arguments.of("//./", "apps[0].mounts[0].path: is the app's root directory"),
        Arguments.of("/" + "x".repeat(4100), "apps[0].mounts[0].path: is longer than 4095 bytes"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidTargets")
  void unusableMountPathsAreOneLineErrorsNamingTheField(String path, String message) throws Exception {
    String json = pod("[{\"name\":\"data\",\"kind\":\"empty\"}]",
        app("a", "", ",\"mounts\":[{\"volume\":\"data\",\"path\":" + PlainJson.write(path) + "}]"));
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> map(json));
    assertTrue(e.getMessage().startsWith(LAYOUT.podManifest() + ": " + message), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  static Stream<String> pathsTheManifestRefuses() {
    return Stream.of("relative/x", "/a/../../etc", "/..", "/a\u0000b", "");
  }

  @ParameterizedTest
  @MethodSource("pathsTheManifestRefuses")
  void hostilePathsNeverGetPastTheManifest(String path) {
    String json = pod("[{\"name\":\"data\",\"kind\":\"empty\"}]",
        app("a", "", ",\"mounts\":[{\"volume\":\"data\",\"path\":" + PlainJson.write(path) + "}]"));
    InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> map(json));
    assertTrue(e.getMessage().contains("apps[0].mounts[0].path"), e.getMessage());
  }

  @Test
  void twoMountsOnOnePathAreRefused() throws Exception {
    String json = pod("[{\"name\":\"x\",\"kind\":\"empty\"},{\"name\":\"y\",\"kind\":\"empty\"}]",
        app("a", "", ",\"mounts\":[{\"volume\":\"x\",\"path\":\"/d\"},{\"volume\":\"y\",\"path\":\"/d/\"}]"));
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> map(json));
    assertEquals(LAYOUT.podManifest() + ": apps[0].mounts[1].path: is already the path of apps[0].mounts[0]: \"/d/\"",
        e.getMessage());
  }

  @Test
  void aMountPointAtAMountedPathIsServedByThatMount() throws Exception {
    VolumeMap m = map(pod("[{\"name\":\"x\",\"kind\":\"empty\"}]",
        app("a", ",\"mountPoints\":[{\"name\":\"other\",\"path\":\"/d\"}]", mountsOf("x", "/d"))));
    assertEquals(List.of(new MountPlan("/s1x/share/vol0", "/d", false)), m.mounts(0), "no implicit volume");
    assertEquals(1, m.shares().size());
  }

  @Test
  void nestedMountsComeAfterTheMountTheyAreIn() throws Exception {
    String json = pod("[{\"name\":\"x\",\"kind\":\"empty\"},{\"name\":\"y\",\"kind\":\"empty\"}]",
        app("a", "", ",\"mounts\":[{\"volume\":\"y\",\"path\":\"/d/sub/deeper\"},{\"volume\":\"x\",\"path\":\"/d\"}]"));
    assertEquals(List.of("/d", "/d/sub/deeper"), map(json).mounts(0).stream().map(MountPlan::target).toList());
  }

  static Stream<Arguments> badSources() {
    return Stream.of(
        Arguments.of("/srv/missing", "does not exist"),
        Arguments.of("/dev/null", "is neither a directory nor a regular file"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSources")
  void anUnusableHostSourceIsOneLineNamingTheVolumeFieldAndValue(String source, String problem) throws Exception {
    String json = pod("[{\"name\":\"scratch\",\"kind\":\"empty\"},{\"name\":\"data\",\"kind\":\"host\",\"source\":\""
        + source + "\"}]", app("a", "", mountsOf("data", "/d")));
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> map(json));
    assertEquals(LAYOUT.podManifest() + ": volumes[1].source: the host path of volume \"data\" " + problem + ": \""
        + source + "\"", e.getMessage());
  }

  @Test
  void theRealHostIsAskedThroughTheFileSystem(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Files.createDirectories(tmp.resolve("dir"));
    Files.writeString(tmp.resolve("file"), "x");
    assertEquals(VolumeMapper.PathKind.DIRECTORY, VolumeMapper.FILES.kindOf(tmp.resolve("dir")));
    assertEquals(VolumeMapper.PathKind.FILE, VolumeMapper.FILES.kindOf(tmp.resolve("file")));
    Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("dir"));
    assertEquals(VolumeMapper.PathKind.DIRECTORY, VolumeMapper.FILES.kindOf(tmp.resolve("link")), "links followed");
    assertEquals(VolumeMapper.PathKind.OTHER, VolumeMapper.FILES.kindOf(Path.of("/dev/null")));
    assertEquals(VolumeMapper.PathKind.MISSING, VolumeMapper.FILES.kindOf(tmp.resolve("nothing")));
  }

  @Test
  void unusedVolumesAreNeitherCheckedNorShared() throws Exception {
    VolumeMap m = map(pod("[{\"name\":\"gone\",\"kind\":\"host\",\"source\":\"/srv/missing\"}]", app("a", "", "")));
    assertEquals(List.of(), m.shares());
    assertEquals(List.of(), m.mounts(0));
  }

  @Test
  void anInlineAppVolumeBelongsToItsApp() throws Exception {
    VolumeMap m = map(pod("[{\"name\":\"data\",\"kind\":\"empty\"}]", app("a", "",
        ",\"mounts\":[{\"volume\":\"data\",\"path\":\"/d\",\"appVolume\":{\"name\":\"data\",\"kind\":\"host\","
            + "\"source\":\"/srv/dir2\",\"readOnly\":true}}]")));
    VolumeShare s = m.shares().get(0);
    assertEquals("a.data", s.volume().key());
    assertEquals(Optional.of(Path.of("/srv/dir2")), s.volume().source());
    assertTrue(s.readOnly());
  }

  @Test
  void aCommaInThePodDirectoryIsAClearErrorBeforeAnythingHappens() throws Exception {
    PodLayout layout = PodLayout.of(Path.of("/var/lib/rkt,x/pods/run", UUID));
    VolumeMap m = VolumeMapper.map(load(layout, pod("[{\"name\":\"d\",\"kind\":\"empty\"}]",
        app("a", "", mountsOf("d", "/d")))), HOST);
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> m.p9Shares(MODELS));
    assertEquals("p9 share app0 path: value '/var/lib/rkt,x/pods/run/" + UUID + "/stage1/rootfs/opt/stage2/a/rootfs'"
        + " contains ',', which cannot be written inside an xl device spec", e.getMessage());
  }

  @Test
  void rktsOwnManifests() throws Exception {
    VolumeMap simple = map(fixture("volume-mount-appmount.json").replace("/srv/pod-data", "/srv/dir-pod-data"));
    assertEquals(List.of(new MountPlan("/s1x/share/vol0", "/data", false)), simple.mounts(0));

    // --volume data,kind=host,readOnly=true --volume scratch,kind=empty,uid=1,gid=2 --mount volume=scratch,…
    VolumeMap both = map(fixture("volume-mount.json").replace("/srv/pod-data", "/srv/dir-pod-data"));
    assertEquals(List.of(new MountPlan("/s1x/share/vol0", "/scratch", false),
        new MountPlan("/s1x/share/vol1", "/data", true)), both.mounts(0));
    assertEquals(PodVolume.empty("scratch", "volume \"scratch\"", 0755, 1, 2), both.shares().get(0).volume());
    assertEquals(Path.of("/srv/dir-pod-data"), both.shares().get(1).volume().source().orElseThrow());
  }

  private static String fixture(String name) throws Exception {
    try (var in = VolumeMapperTest.class.getResourceAsStream("/rkt-1.30.0/pod-manifests/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
