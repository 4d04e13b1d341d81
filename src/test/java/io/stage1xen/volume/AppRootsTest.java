package io.stage1xen.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.AcName;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.process.ProcessFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * rkt's own paths of the apps' roots, through a fake mount(8) on a temp pod laid out as rkt 1.30.0 does: the exact
 * commands with and without overlays, the modes of the raw layers, and the refusals.
 */
class AppRootsTest {
  private static final String STAGE1_TREE = "deps-sha512-5e1";
  private static final String APP_TREE = "deps-sha512-a77";
  private static final AcName WEB = AcName.of("web");
  private static final AcName DB = AcName.of("db");

  @TempDir Path tmp;
  private PodLayout layout;
  private FakeMounts fake;
  private AppRoots roots;

  @BeforeEach
  void setUp() throws IOException {
    layout = PodLayout.of(Files.createDirectories(tmp.toRealPath().resolve("pods/run/5f2a6c1e")));
    fake = new FakeMounts(tmp.toRealPath().resolve("proc/1/mountinfo"));
    roots = new AppRoots(new HostMounts(fake, fake.mountinfo), layout);
    for (AcName app : List.of(WEB, DB)) {
      Files.createDirectories(layout.appRootfs(app));
      open(layout.appDirectory(app));
    }
  }

  /** The pod as rkt's overlay mode leaves it: both apps from one image, every layer readable by rkt's group. */
  private void overlayPod() throws IOException {
    overlayPod(List.of(WEB, DB));
  }

  private void overlayPod(List<AcName> mounted) throws IOException {
    Files.createFile(layout.overlayPrepared());
    Files.writeString(layout.stage1TreeStoreId(), STAGE1_TREE);
    open(Files.createDirectories(layout.overlayDirectory().resolve(STAGE1_TREE).resolve("upper")));
    for (AcName app : List.of(WEB, DB)) {
      Files.createDirectories(layout.appsInfo(app));
      Files.writeString(layout.appsInfoTreeStoreId(app), APP_TREE);
      for (String layer : List.of("upper", "work")) {
        open(Files.createDirectories(layout.overlayDirectory().resolve(APP_TREE).resolve(layer).resolve(app.value())));
        open(layout.overlayDirectory().resolve(APP_TREE).resolve(layer));
      }
      if (mounted.contains(app)) {
        fake.mount(layout.appRootfs(app), "rw,relatime");
      }
    }
    fake.calls.clear();
  }

  private static void open(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static List<String> remount(Path target) {
    return List.of("mount", "-o", "remount,bind,nosuid,nodev", target.toString());
  }

  @Test
  void withOverlaysRktsMountsAreRemountedAndTheAppsLayersAreRootsOnly() throws Exception {
    overlayPod();

    roots.guard(List.of(WEB, DB));

    assertEquals(List.of(remount(layout.appRootfs(WEB)), remount(layout.appRootfs(DB))), fake.calls);
    assertEquals("rw,nosuid,nodev,relatime", fake.optionsOf(layout.appRootfs(WEB)));
    assertEquals("rw,nosuid,nodev,relatime", fake.optionsOf(layout.appRootfs(DB)));
    Path layers = layout.overlayDirectory().resolve(APP_TREE);
    for (Path p : List.of(layers.resolve("upper"), layers.resolve("work"), layout.appDirectory(WEB),
        layout.appDirectory(DB))) {
      assertEquals("rwx------", mode(p), p.toString());
    }
    assertEquals("rwxr-x---", mode(layers.resolve("upper/web")), "the guest's root inode keeps the image's mode");
    assertEquals("rwxr-x---", mode(layout.overlayDirectory().resolve(STAGE1_TREE).resolve("upper")),
        "rkt status reads the stage1's upper layer as rkt's group");

    fake.calls.clear();
    roots.release();
    assertEquals(List.of(), fake.calls, "rkt's overlay mounts are rkt's to unmount");
  }

  @Test
  void preparingLeavesOnlyTheFlagsOfRktsMountsForLaterAndEverythingElseIsDone() throws Exception {
    overlayPod();

    AppRootFlags flags = roots.prepare(List.of(WEB, DB));

    assertEquals(List.of(), fake.calls, "no remount yet: the run makes them while xl creates the domain");
    assertEquals("rw,relatime", fake.optionsOf(layout.appRootfs(WEB)));
    assertEquals("rwx------", mode(layout.overlayDirectory().resolve(APP_TREE).resolve("upper")),
        "the modes are set at once");
    assertEquals("rwx------", mode(layout.appDirectory(DB)));

    flags.apply();

    assertEquals(List.of(remount(layout.appRootfs(WEB)), remount(layout.appRootfs(DB))), fake.calls);
    assertEquals("rw,nosuid,nodev,relatime", fake.optionsOf(layout.appRootfs(DB)));
  }

  @Test
  void withoutOverlaysNothingIsLeftForLater() throws Exception {
    AppRootFlags flags = roots.prepare(List.of(WEB));

    assertTrue(flags.isEmpty(), "a bind of ours is a new mount: made, with its flags, before the domain exists");
    assertEquals("rw,nosuid,nodev,relatime", fake.optionsOf(layout.appRootfs(WEB)));
  }

  @Test
  void aRemountThatFailsNamesTheMount() throws Exception {
    overlayPod();
    AppRootFlags flags = roots.prepare(List.of(WEB));
    fake.failWhen = argv -> argv.size() > 2 && argv.get(2).startsWith("remount");

    ProcessFailedException e = assertThrows(ProcessFailedException.class, flags::apply);

    assertTrue(e.getMessage().contains(layout.appRootfs(WEB).toString()), e.getMessage());
  }

  @Test
  void withoutOverlaysEachRootIsBoundOntoItselfAndReleasedAtGc() throws Exception {
    roots.guard(List.of(WEB, DB));

    Path web = layout.appRootfs(WEB);
    Path db = layout.appRootfs(DB);
    assertEquals(List.of(
        List.of("mount", "--bind", "--make-private", "-o", "nosuid,nodev", web.toString(), web.toString()),
        List.of("mount", "--bind", "--make-private", "-o", "nosuid,nodev", db.toString(), db.toString())),
        fake.calls, "one mount process each: the bind gets its flags in the same call");
    assertEquals("rw,nosuid,nodev,relatime", fake.optionsOf(web));
    assertEquals("rwx------", mode(layout.appDirectory(WEB)));
    assertEquals("rwx------", mode(layout.appDirectory(DB)));

    fake.mount(tmp.toRealPath().resolve("pods/run/5f2a6c1e/stage1/rootfs/opt/other"), "rw"); // not an app's root
    fake.calls.clear();
    roots.release();
    assertEquals(List.of(List.of("umount", db.toString()), List.of("umount", web.toString())), fake.calls);
    roots.release();
    assertEquals(2, fake.calls.size(), "a second gc has nothing to do");
  }

  @Test
  void aRootGuardedBeforeIsNeitherBoundNorRemountedAgain() throws Exception {
    roots.guard(List.of(WEB));
    fake.calls.clear();
    roots.guard(List.of(WEB));
    assertEquals(List.of(), fake.calls, "nosuid,nodev already: a remount would change nothing");
  }

  @Test
  void aMissingOverlayMountIsAnErrorNotABindOverTheLowerLayer() throws Exception {
    overlayPod(List.of(WEB));
    IOException e = assertThrows(IOException.class, () -> roots.guard(List.of(DB)));
    assertEquals("rkt's overlay mount of app db is missing at " + layout.appRootfs(DB), e.getMessage());
    assertEquals(List.of(), fake.calls);
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", ".", "../../../etc", "a/b", "", "-x"})
  void aTreeStoreIdThatIsNotAPlainNameIsRefusedBeforeAnyChange(String id) throws Exception {
    overlayPod();
    Files.writeString(layout.appsInfoTreeStoreId(WEB), id);
    IOException e = assertThrows(IOException.class, () -> roots.guard(List.of(WEB)));
    assertTrue(e.getMessage().startsWith(layout.appsInfoTreeStoreId(WEB) + ": not a tree store id: "),
        e.getMessage());
    assertEquals(List.of(), fake.calls);
    assertEquals("rwxr-x---", mode(layout.appDirectory(WEB)));
  }

  @Test
  void aLinkWhereRktMadeALayerDirectoryIsNotFollowed() throws Exception {
    overlayPod();
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    open(elsewhere);
    Path work = layout.overlayDirectory().resolve(APP_TREE).resolve("work");
    PodVolumes.deleteTree(work);
    Files.createSymbolicLink(work, elsewhere);

    IOException e = assertThrows(IOException.class, () -> roots.guard(List.of(WEB)));

    assertEquals(work + ": not a directory; rkt made it one", e.getMessage());
    assertEquals("rwxr-x---", mode(elsewhere));
  }

  @Test
  void anAppOfTheStage1sOwnImageIsRefused() throws Exception {
    overlayPod();
    Files.writeString(layout.appsInfoTreeStoreId(WEB), STAGE1_TREE);
    IOException e = assertThrows(IOException.class, () -> roots.guard(List.of(WEB)));
    assertTrue(e.getMessage().contains("app web runs the stage1's own image"), e.getMessage());
  }

  @Test
  void aRemountThatDidNotTakeIsAnError() throws Exception {
    overlayPod();
    fake.ignoredFlags.add("nosuid");
    IOException e = assertThrows(IOException.class, () -> roots.guard(List.of(WEB)));
    assertEquals("the mount on " + layout.appRootfs(WEB) + " is still without nosuid after a remount "
        + "(rw,nodev,relatime)", e.getMessage());
  }
}
