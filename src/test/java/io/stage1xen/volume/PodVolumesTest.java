package io.stage1xen.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.guest.AppPlan;
import io.stage1xen.guest.MountPlan;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.process.ProcessFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The host side of the shares through a fake mount(8): the exact commands (nodev, nosuid, read-only), the mount points
 * of a read-only root, the rollback, and gc from mountinfo.
 */
class PodVolumesTest {
  @TempDir Path tmp;
  private PodLayout layout;
  private FakeMounts fake;
  private PodVolumes volumes;
  private Path vols;
  private Path src;

  @BeforeEach
  void setUp() throws IOException {
    Path root = tmp.toRealPath();
    layout = PodLayout.of(Files.createDirectories(root.resolve("pods/run/5f2a6c1e-8d3b-4a7e-9c10-2b4d6e8f0a13")));
    vols = layout.volumesDirectory();
    src = Files.createDirectories(root.resolve("host"));
    fake = new FakeMounts(root.resolve("proc/1/mountinfo"));
    volumes = new PodVolumes(new HostMounts(fake, fake.mountinfo), layout, (path, mayWrite) -> true);
  }

  private VolumeShare share(int n, PodVolume v, boolean ro) {
    return new VolumeShare("vol" + n, v, ro, vols.resolve("vol" + n), "/s1x/share/vol" + n);
  }

  private static VolumeMap map(VolumeShare... shares) {
    return new VolumeMap(List.of(), List.of(shares), List.of(List.of(new MountPlan("/s1x/share/vol0", "/x", false))));
  }

  private static final PodPlan NO_APPS = new PodPlan("pod", null, null, false, Duration.ZERO, false, List.of(),
      List.of());

  private static List<String> remount(String options, Object target) {
    return List.of("mount", "-o", "remount,bind," + options, target.toString());
  }

  /** A bind of one mount, with its flags in the same mount(8) call. */
  private static List<String> bind(String options, Object source, Object target) {
    return List.of("mount", "--bind", "--make-private", "-o", options, source.toString(), target.toString());
  }

  private VolumeMap sandbox() {
    VolumeShare added = new VolumeShare(VolumeMapper.ADDED_TAG, PodVolume.addedApps(vols.resolve("added")), false,
        vols.resolve("stage2"), "/s1x/share/stage2");
    VolumeShare addedVolumes = new VolumeShare(VolumeMapper.ADDED_VOLUMES_TAG,
        PodVolume.addedVolumes(vols.resolve("addedvol")), false, vols.resolve("stage2vol"), "/s1x/share/stage2vol");
    return new VolumeMap(List.of(added, addedVolumes), List.of(), List.of());
  }

  /** An added app without volumes. */
  private static final VolumeMap NO_VOLUMES = new VolumeMap(List.of(), List.of(), List.of(List.of()));

  /** The volumes of added app {@code app}: the slots VolumeMapper.addedApp makes. */
  private VolumeMap addedVolumes(String app, PodVolume... volumes) {
    List<VolumeShare> slots = new java.util.ArrayList<>();
    List<MountPlan> mounts = new java.util.ArrayList<>();
    for (PodVolume v : volumes) {
      String slot = "stage2vol/" + app + "/vol" + slots.size();
      VolumeShare s = new VolumeShare("vol" + slots.size(), v, false, vols.resolve(slot), "/s1x/share/" + slot);
      slots.add(s);
      mounts.add(new MountPlan(s.guestSource(), "/v" + mounts.size(), false));
    }
    return new VolumeMap(List.of(), slots, List.of(mounts));
  }

  private Path appRoot(String app) throws IOException {
    Path root = Files.createDirectories(layout.appRootfs(io.stage1xen.appc.AcName.of(app)));
    Files.writeString(root.resolve("hello.txt"), "hi");
    return root;
  }

  @Test
  void theShareOfAddedAppsIsReadOnlyInDom0AndAddBindsEachAppBelowIt() throws Exception {
    volumes.prepare(sandbox(), NO_APPS);
    assertEquals(List.of(
        bind("nosuid,nodev,ro", vols + "/added", vols + "/stage2"),
        bind("nosuid,nodev,ro", vols + "/addedvol", vols + "/stage2vol")), fake.calls,
        "each bind gets its flags in its own mount process");
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(vols.resolve("added"))));
    Path root = appRoot("hello");
    fake.calls.clear();

    Path at = volumes.addApp(io.stage1xen.appc.AcName.of("hello"), true, NO_VOLUMES);

    assertEquals(vols.resolve("stage2/hello"), at);
    assertEquals(List.of(
        bind("nosuid,nodev", root, root),
        bind("nosuid,nodev,ro", root, vols + "/stage2/hello")), fake.calls, "closed as a pod's app, then bound");
    assertTrue(Files.isDirectory(vols.resolve("added/hello")), "the mount point, made in dom0's own view");
    for (String made : List.of("proc", "sys", "dev")) {
      assertTrue(Files.isDirectory(root.resolve(made)), "a read-only root gets the guest's mount points: " + made);
    }
    assertTrue(Files.isRegularFile(root.resolve("etc/hosts")) && Files.isRegularFile(root.resolve("etc/resolv.conf")));
    io.stage1xen.outcome.Stage1Failure twice = assertThrows(io.stage1xen.outcome.Stage1Failure.class,
        () -> volumes.addApp(io.stage1xen.appc.AcName.of("hello"), false, NO_VOLUMES));
    assertEquals("app \"hello\" is already in the pod VM (" + vols + "/stage2/hello)", twice.getMessage());

    fake.calls.clear();
    volumes.removeApp(io.stage1xen.appc.AcName.of("hello"), NO_VOLUMES);
    assertEquals(List.of(List.of("umount", vols + "/stage2/hello")), fake.calls);
    assertFalse(Files.exists(vols.resolve("added/hello")));
    assertEquals(List.of(vols.resolve("stage2"), vols.resolve("stage2vol")), fake.mountedUnder(vols),
        "the shares themselves stay");
    fake.calls.clear();
    volumes.removeApp(io.stage1xen.appc.AcName.of("hello"), NO_VOLUMES);
    assertEquals(List.of(), fake.calls, "a second rm finds nothing to do");
  }

  @Test
  void addBindsEachVolumeOfTheAppOnItsSlotAndRmReleasesThemAndItsEmptyVolumes() throws Exception {
    volumes.prepare(sandbox(), NO_APPS);
    Path root = appRoot("web");
    Path dir = Files.createDirectories(src.resolve("data"));
    Path file = Files.writeString(src.resolve("app.conf"), "x");
    VolumeMap web = addedVolumes("web",
        PodVolume.host("web.data", "inline volume \"data\" of app web", PodVolume.Kind.HOST_DIRECTORY, dir, false),
        PodVolume.host("web.conf", "inline volume \"conf\" of app web", PodVolume.Kind.HOST_FILE, file, false),
        PodVolume.empty("web.scratch", "inline volume \"scratch\" of app web", 01777, 0, 0));
    fake.calls.clear();

    volumes.addApp(io.stage1xen.appc.AcName.of("web"), false, web);

    String slots = vols + "/stage2vol/web/";
    assertEquals(List.of(
        bind("nosuid,nodev", root, root),
        bind("nosuid,nodev", root, vols + "/stage2/web"),
        bind("nosuid,nodev", dir, slots + "vol0"),
        bind("nosuid,nodev", vols + "/addedvol/web/vol1", slots + "vol1"),
        bind("nosuid,nodev", file, slots + "vol1/file"),
        bind("nosuid,nodev", vols + "/empty/web.scratch", slots + "vol2")), fake.calls);
    assertTrue(Files.isRegularFile(vols.resolve("addedvol/web/vol1/file")), "a file volume's mount point");
    assertEquals(01777, (int) Files.getAttribute(vols.resolve("empty/web.scratch"), "unix:mode") & 07777);
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(vols.resolve("addedvol/web"))));

    fake.calls.clear();
    volumes.removeApp(io.stage1xen.appc.AcName.of("web"), web);

    assertEquals(List.of(vols.resolve("stage2"), vols.resolve("stage2vol")), fake.mountedUnder(vols),
        "only the two shares stay");
    assertFalse(Files.exists(vols.resolve("addedvol/web")), "the slots are gone");
    assertFalse(Files.exists(vols.resolve("empty/web.scratch")), "and the app's empty volume");
    assertTrue(Files.isDirectory(dir) && Files.readString(file).equals("x"), "the host's files are untouched");
  }

  @Test
  void aFailedVolumeUndoesTheWholeAdd() throws Exception {
    volumes.prepare(sandbox(), NO_APPS);
    appRoot("web");
    Path dir = Files.createDirectories(src.resolve("data"));
    VolumeMap web = addedVolumes("web",
        PodVolume.host("web.data", "inline volume \"data\" of app web", PodVolume.Kind.HOST_DIRECTORY, dir, false));
    fake.failWhen = argv -> argv.get(0).equals("mount") && argv.contains(vols + "/stage2vol/web/vol0");

    assertThrows(ProcessFailedException.class, () -> volumes.addApp(io.stage1xen.appc.AcName.of("web"), false, web));

    assertEquals(List.of(vols.resolve("stage2"), vols.resolve("stage2vol")), fake.mountedUnder(vols));
    assertFalse(Files.exists(vols.resolve("addedvol/web")));
    assertFalse(Files.exists(vols.resolve("added/web")));
  }

  @Test
  void addNeedsTheShareOfARunningSandboxAndTheAppsRoot() throws Exception {
    appRoot("hello");
    io.stage1xen.outcome.Stage1Failure none = assertThrows(io.stage1xen.outcome.Stage1Failure.class,
        () -> volumes.addApp(io.stage1xen.appc.AcName.of("hello"), false, NO_VOLUMES));
    assertEquals(vols.resolve("stage2") + ": the pod has no share of added apps (not a running mutable pod of"
        + " stage1-xen)", none.getMessage());

    volumes.prepare(sandbox(), NO_APPS);
    io.stage1xen.outcome.Stage1Failure missing = assertThrows(io.stage1xen.outcome.Stage1Failure.class,
        () -> volumes.addApp(io.stage1xen.appc.AcName.of("nosuch"), false, NO_VOLUMES));
    assertTrue(missing.getMessage().endsWith("opt/stage2/nosuch/rootfs: the root of app \"nosuch\" is missing (rkt"
        + " renders it before app/add)"), missing.getMessage());
    assertFalse(Files.exists(vols.resolve("added/nosuch")));
  }

  @Test
  void aFailedAddLeavesNothing() throws Exception {
    volumes.prepare(sandbox(), NO_APPS);
    appRoot("hello");
    // read-only: a kernel that left out ro of the bind gets the remount, which fails
    fake.ignoredFlags.add("ro");
    fake.failWhen = argv -> argv.contains(vols + "/stage2/hello") && argv.get(1).equals("-o");

    assertThrows(ProcessFailedException.class, () -> volumes.addApp(io.stage1xen.appc.AcName.of("hello"), true, NO_VOLUMES));

    assertEquals(List.of(), fake.mountedUnder(vols.resolve("stage2/hello")), "the bind was undone");
    assertFalse(Files.exists(vols.resolve("added/hello")), "and its mount point");
    fake.failWhen = argv -> false;
    fake.ignoredFlags.clear();
    assertEquals(vols.resolve("stage2/hello"), volumes.addApp(io.stage1xen.appc.AcName.of("hello"), false, NO_VOLUMES),
        "and the app can be added again");
  }

  @Test
  void eachKindOfShareIsMadeWithExactlyTheseCommands() throws Exception {
    Path dir = Files.createDirectories(src.resolve("dir with space"));
    Path file = Files.writeString(src.resolve("app.conf"), "x");
    fake.mount(dir.resolve("sub"), "rw,nosuid,noexec"); // a host mount inside the source: the recursive bind takes it
    PodVolume hostDir = PodVolume.host("data", "volume \"data\"", PodVolume.Kind.HOST_DIRECTORY, dir, true);
    PodVolume hostFile = PodVolume.host("conf", "volume \"conf\"", PodVolume.Kind.HOST_FILE, file, true);
    PodVolume flat = PodVolume.host("flat", "volume \"flat\"", PodVolume.Kind.HOST_DIRECTORY, dir, false);
    PodVolume empty = PodVolume.empty("scratch", "volume \"scratch\"", 0750, 0, 0);

    volumes.prepare(map(share(0, hostDir, true), share(1, hostFile, false), share(2, empty, false),
        share(3, empty, true), share(4, flat, false)), NO_APPS);

    String d = dir.toString();
    String e = vols.resolve("empty/scratch").toString();
    assertEquals(List.of(
        List.of("mount", "--rbind", "--make-rprivate", d, vols + "/vol0"),
        remount("nosuid,nodev,ro", vols + "/vol0"),
        remount("nosuid,nodev,noexec,ro", vols + "/vol0/sub"),
        bind("nosuid,nodev", vols + "/vol1", vols + "/vol1"),
        bind("nosuid,nodev", file, vols + "/vol1/file"),
        bind("nosuid,nodev", e, vols + "/vol2"),
        bind("nosuid,nodev,ro", e, vols + "/vol3"),
        bind("nosuid,nodev", d, vols + "/vol4")), fake.calls);
    for (Path p : fake.mountedUnder(vols)) {
      String options = fake.table.stream().filter(m -> m.point().equals(p)).findFirst().orElseThrow().options();
      assertTrue(options.contains("nosuid,nodev"), p + " " + options);
    }
    assertTrue(Files.isRegularFile(vols.resolve("vol1/file")), "the single file's mount point");
    assertTrue(Files.isDirectory(vols.resolve("empty/scratch")));
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(vols)), "host data under the pod is root's only");
  }

  @Test
  void anEmptyVolumeGetsItsModeAndOwnerExactly() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
    PodVolume empty = PodVolume.empty("scratch", "volume \"scratch\"", 01770, 1000, 4294967294L);
    volumes.prepare(map(share(0, empty, false)), NO_APPS);
    Path data = vols.resolve("empty/scratch");
    assertEquals(01770, (Integer) Files.getAttribute(data, "unix:mode") & 07777);
    assertEquals(1000, Files.getAttribute(data, "unix:uid"));
    assertEquals(4294967294L, Integer.toUnsignedLong((Integer) Files.getAttribute(data, "unix:gid")));
  }

  @Test
  void aFailureUndoesEverythingAndIsReported() throws Exception {
    Path dir = Files.createDirectories(src.resolve("d"));
    PodVolume a = PodVolume.host("a", "volume \"a\"", PodVolume.Kind.HOST_DIRECTORY, dir, false);
    PodVolume empty = PodVolume.empty("e", "volume \"e\"", 0755, 0, 0);
    fake.failWhen = argv -> argv.contains(vols + "/vol2");

    ProcessFailedException e = assertThrows(ProcessFailedException.class,
        () -> volumes.prepare(map(share(0, a, true), share(1, empty, false), share(2, a, false)), NO_APPS));

    assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
    assertEquals(List.of(), fake.mountedUnder(vols), "every mount made was undone");
    assertFalse(Files.exists(vols), "and the directories are gone");
    assertEquals(List.of(List.of("umount", vols + "/vol1"), List.of("umount", vols + "/vol0")),
        fake.calls.subList(fake.calls.size() - 2, fake.calls.size()), "latest first");
  }

  @ParameterizedTest
  @CsvSource({"ro, ro, 'rw,nosuid,nodev,relatime'", "nodev, nodev, 'ro,nosuid,relatime'",
      "'nosuid,nodev', 'nosuid,nodev', 'ro,relatime'"})
  void aRemountThatDidNotTakeIsAnError(String ignored, String missing, String options) throws Exception {
    fake.ignoredFlags.addAll(List.of(ignored.split(",")));
    PodVolume a = PodVolume.host("a", "volume \"a\"", PodVolume.Kind.HOST_DIRECTORY, src, false);
    IOException e = assertThrows(IOException.class, () -> volumes.prepare(map(share(0, a, true)), NO_APPS));
    assertEquals("the mount on " + vols + "/vol0 is still without " + missing + " after a remount (" + options + ")",
        e.getMessage());
    assertEquals(List.of(), fake.mountedUnder(vols));
    assertFalse(Files.exists(vols));
  }

  @Test
  void aBindKeepsTheNoexecAndNosymfollowOfTheMountItsSourceIsOnAndNeedsNoRemount() throws Exception {
    Path dir = Files.createDirectories(src.resolve("on a noexec mount/data"));
    fake.mount(src.resolve("on a noexec mount"), "rw,nosuid,noexec,nosymfollow,relatime");
    fake.mount(src.resolve("on a noexec mount/data/elsewhere"), "rw,relatime"); // below the source: not its mount
    PodVolume v = PodVolume.host("data", "volume \"data\"", PodVolume.Kind.HOST_DIRECTORY, dir, false);
    fake.calls.clear();

    volumes.prepare(map(share(0, v, false)), NO_APPS);

    assertEquals(List.of(bind("nosuid,nodev,noexec,nosymfollow", dir, vols + "/vol0")), fake.calls);
    assertEquals("rw,nosuid,nodev,noexec,nosymfollow,relatime", fake.optionsOf(vols.resolve("vol0")));
  }

  @Test
  void theMountAPathIsOnIsTheDeepestAboveItAndTheLastAtOnePath() {
    MountTable t = MountTable.parse("""
        1 0 0:1 / / rw - ext4 /dev/vda rw
        2 1 0:2 / /srv rw,noexec - ext4 /dev/vdb rw
        3 1 0:3 / /srv ro,nosuid - ext4 /dev/vdc rw
        4 3 0:4 / /srv/a/b rw - tmpfs tmpfs rw
        """);
    assertEquals(3, t.containing(Path.of("/srv/a")).orElseThrow().id(), "the mount over /srv hides the one below");
    assertEquals(4, t.containing(Path.of("/srv/a/b/c")).orElseThrow().id());
    assertEquals(3, t.containing(Path.of("/srv/a/bc")).orElseThrow().id(), "a path component, not a prefix");
    assertEquals(1, t.containing(Path.of("/etc")).orElseThrow().id());
    assertTrue(MountTable.parse("2 1 0:2 / /srv rw - ext4 /dev/vdb rw\n").containing(Path.of("/etc")).isEmpty());
  }

  @Test
  void restrictingAPathThatIsNotAMountPointIsAnErrorNotANoOp() throws Exception {
    Path plain = Files.createDirectories(src.resolve("plain"));
    fake.mount(src.resolve("plain/below"), "rw"); // a mount below it does not make the path itself one
    IOException e = assertThrows(IOException.class,
        () -> new HostMounts(fake, fake.mountinfo).restrict(plain, true, false));
    assertEquals("nothing is mounted on " + plain + " to make nosuid,nodev", e.getMessage());
  }

  @Test
  void gcFindsWhatACrashedRunLeftInTheMountTableAndUnmountsDeepestFirst() throws Exception {
    Files.createDirectories(vols.resolve("vol0/sub"));
    Files.createDirectories(vols.resolve("vol1 odd\nname"));
    Files.createDirectories(vols.resolve("empty/x"));
    Files.writeString(vols.resolve("empty/x/data"), "files an app wrote");
    Path elsewhere = Files.createDirectories(tmp.toRealPath().resolve("pods/run/other/xen/volumes/vol0"));
    fake.mount(vols.resolve("vol0"), "ro").mount(vols.resolve("vol0/sub"), "ro")
        .mount(vols.resolve("vol1 odd\nname"), "rw").mount(vols.resolve("vol1 odd\nname"), "rw") // stacked twice
        .mount(elsewhere, "rw");
    fake.calls.clear();

    volumes.remove();

    assertEquals(List.of(
        List.of("umount", vols + "/vol0/sub"),
        List.of("umount", vols + "/vol1 odd\nname"),
        List.of("umount", vols + "/vol1 odd\nname"),
        List.of("umount", vols + "/vol0")), fake.calls);
    assertEquals(List.of(elsewhere), fake.mountedUnder(tmp.toRealPath()), "another pod's volume is not touched");
    assertFalse(Files.exists(vols), "the empty volumes' files are removed");
    volumes.remove();
    assertEquals(4, fake.calls.size(), "a second gc has nothing to do");
  }

  @Test
  void aBusyMountIsDetachedLazily() throws Exception {
    Files.createDirectories(vols.resolve("vol0"));
    fake.mount(vols.resolve("vol0"), "rw");
    fake.busy.add(vols.resolve("vol0"));
    fake.calls.clear();
    volumes.unmountAll();
    assertEquals(List.of(List.of("umount", vols + "/vol0"), List.of("umount", "--lazy", vols + "/vol0")),
        fake.calls);
    assertTrue(Files.isDirectory(vols), "the run's end keeps the directories for gc");
  }

  @Test
  void nothingIsDeletedWhileSomethingIsStillMounted() throws Exception {
    Files.createDirectories(vols.resolve("vol0"));
    Path precious = Files.writeString(vols.resolve("vol0/host-file"), "the host's data, seen through the bind");
    fake.mount(vols.resolve("vol0"), "rw");
    fake.failWhen = argv -> argv.get(0).equals("umount");

    assertThrows(ProcessFailedException.class, volumes::remove);
    assertTrue(Files.exists(precious), "a bind-mounted host directory is never walked");
  }

  private VolumeShare root(int i, String app, boolean readOnly) throws IOException {
    Path rootfs = Files.createDirectories(layout.appRootfs(io.stage1xen.appc.AcName.of(app)));
    return new VolumeShare("app" + i, PodVolume.appRootfs(app, rootfs), readOnly, vols.resolve("app" + i),
        "/s1x/share/app" + i);
  }

  @Test
  void aPodWithoutVolumesExportsEachAppsRootNodevNosuidAndReadOnlyWithReadOnlyRootFs() throws Exception {
    VolumeShare web = root(0, "web", false);
    VolumeShare db = root(1, "db", true);
    PodPlan plan = new PodPlan("pod", "127.0.0.1 localhost\n", null, false, Duration.ZERO, false, List.of(), List.of(
        AppPlan.builder("web", "/s1x/share/app0", List.of("/bin/web")).build(),
        AppPlan.builder("db", "/s1x/share/app1", List.of("/bin/db")).readOnlyRootFs(true).build()));

    volumes.prepare(new VolumeMap(List.of(web, db), List.of(), List.of(List.of(), List.of())), plan);

    Path webRoot = web.volume().source().orElseThrow();
    Path dbRoot = db.volume().source().orElseThrow();
    assertEquals(List.of(
        bind("nosuid,nodev", webRoot, webRoot),
        bind("nosuid,nodev", dbRoot, dbRoot),
        bind("nosuid,nodev", webRoot, vols + "/app0"),
        bind("nosuid,nodev,ro", dbRoot, vols + "/app1")), fake.calls);
    // in rkt's tree, before the bind, which is read-only from the start
    assertTrue(Files.isDirectory(dbRoot.resolve("proc")) && Files.isRegularFile(dbRoot.resolve("etc/hosts")),
        "a read-only root gets the guest's mount points first");
    // a writable root too: the guest then only looks them up over 9p instead of creating them there
    for (String dir : List.of("proc", "sys", "dev")) {
      assertTrue(Files.isDirectory(webRoot.resolve(dir)), "a writable root gets /" + dir);
    }
    assertTrue(Files.isRegularFile(webRoot.resolve("etc/hosts")), "a writable root gets /etc/hosts");
    assertFalse(Files.exists(dbRoot.resolve("etc/resolv.conf")), "no resolv.conf in the plan, none made");

    assertEquals("rw,nosuid,nodev,relatime", fake.table.stream().filter(m -> m.point().equals(webRoot)).findFirst()
        .orElseThrow().options(), "rkt's path of the root is closed too (--no-overlay: bound onto itself)");

    volumes.unmountAll();
    assertEquals(2, fake.mountedUnder(layout.stage2Directory()).size(), "the pod's end keeps rkt's paths closed");
    volumes.remove();
    assertEquals(List.of(), fake.mountedUnder(layout.root()), "gc releases them");
    assertTrue(Files.isDirectory(webRoot) && Files.isDirectory(dbRoot), "gc leaves rkt's trees to rkt");
    assertFalse(Files.exists(vols));
  }

  @Test
  void aWritableRootIsExportedWhereRktMountedItWithItsMountPointsMadeAndNoBindOfItsOwn() throws Exception {
    Path rootfs = Files.createDirectories(layout.appRootfs(io.stage1xen.appc.AcName.of("web")));
    VolumeShare web = new VolumeShare("app0", PodVolume.appRootfs("web", rootfs), false, rootfs, "/s1x/share/app0");
    PodPlan plan = new PodPlan("pod", "127.0.0.1 localhost\n", "nameserver 192.0.2.53\n", false, Duration.ZERO,
        false, List.of(), List.of(AppPlan.builder("web", "/s1x/share/app0", List.of("/bin/web")).build()));

    volumes.prepare(new VolumeMap(List.of(web), List.of(), List.of(List.of())), plan);

    assertEquals(List.of(bind("nosuid,nodev", rootfs, rootfs)), fake.calls, "rkt's path is closed (--no-overlay:"
        + " bound onto itself) and exported as it is: no mount process for the export");
    for (String dir : List.of("proc", "sys", "dev")) {
      assertTrue(Files.isDirectory(rootfs.resolve(dir)), "/" + dir + " made in dom0");
    }
    assertTrue(Files.isRegularFile(rootfs.resolve("etc/hosts"))
        && Files.isRegularFile(rootfs.resolve("etc/resolv.conf")), "the files the plan binds over are made in dom0");
    assertFalse(Files.exists(vols.resolve("app0")), "no share directory of its own");

    volumes.unmountAll();
    assertEquals(1, fake.mountedUnder(layout.stage2Directory()).size(), "the pod's end keeps rkt's path closed");
    volumes.remove();
    assertEquals(List.of(), fake.mountedUnder(layout.root()), "gc releases it");
    assertTrue(Files.isDirectory(rootfs.resolve("proc")), "gc leaves rkt's tree to rkt");
  }

  @Test
  void theMountTableIsReadWithItsEscapes() {
    MountTable t = MountTable.parse("""
        22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
        90 22 254:0 /srv/a\\040b /var/lib/x/vol\\0400\\012\\134 ro,relatime - ext4 /dev/vda rw
        """);
    assertEquals(Path.of("/var/lib/x/vol 0\n\\"), t.entries().get(1).mountPoint());
    assertTrue(t.entries().get(1).readOnly());
    assertFalse(t.entries().get(0).readOnly());
    assertEquals("caf\u00e9", MountTable.unescape("caf\u00e9"));
    assertEquals("\\09", MountTable.unescape("\\09"), "not an escape");
  }
}
