package io.stage1xen.aci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.ImageManifestTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntrypointLinksTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource({
      "run, stage1-xen/bin/stage1-xen, stage1-xen/bin/stage1-xen",
      "app/add, stage1-xen/bin/stage1-xen, ../stage1-xen/bin/stage1-xen",
      "stage1-xen/run, stage1-xen/bin/stage1-xen, bin/stage1-xen",
      "stage1-xen/bin/run, stage1-xen/bin/stage1-xen, stage1-xen",
      "a/b/c, x, ../../x",
  })
  void relativeTargets(String link, String target, String expected) {
    assertEquals(expected, EntrypointLinks.relativeTarget(link, target));
    assertEquals(java.util.Optional.of(target), RootfsPaths.lexicalTarget(link, expected));
  }

  private static ImageManifestTree manifest(String extra) {
    return ImageManifestTree.parse("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"a\","
        + "\"annotations\":[{\"name\":\"coreos.com/rkt/stage1/run\",\"value\":\"/run\"},"
        + "{\"name\":\"coreos.com/rkt/stage1/interface-version\",\"value\":\"5\"},"
        + "{\"name\":\"example.com/other\",\"value\":\"/not-a-path\"}" + extra + "]}", "m.json");
  }

  private Path rootfsWithExecutable() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("rootfs"));
    FixtureRootfs.write(root, FixtureRootfs.EXECUTABLE, "#!/bin/sh\n", "rwxr-xr-x");
    return root;
  }

  @Test
  void linksEveryEntrypointAnnotationAndNothingElse() throws Exception {
    Path root = rootfsWithExecutable();
    List<String> links = EntrypointLinks.create(
        manifest(",{\"name\":\"coreos.com/rkt/stage1/app/add\",\"value\":\"/app/add\"}"), root, FixtureRootfs.EXECUTABLE);
    assertEquals(List.of("run", "app/add"), links);
    assertEquals(Path.of("stage1-xen/bin/stage1-xen"), Files.readSymbolicLink(root.resolve("run")));
    assertEquals(Path.of("../stage1-xen/bin/stage1-xen"), Files.readSymbolicLink(root.resolve("app/add")));
    assertTrue(Files.isExecutable(root.resolve("app/add")), "the link resolves to the executable");
    assertTrue(Files.notExists(root.resolve("not-a-path")));
    assertTrue(Files.notExists(root.resolve("interface-version")));
  }

  @Test
  void runningTwiceKeepsTheSameLinks() throws Exception {
    Path root = rootfsWithExecutable();
    EntrypointLinks.create(manifest(""), root, FixtureRootfs.EXECUTABLE);
    assertEquals(List.of("run"), EntrypointLinks.create(manifest(""), root, FixtureRootfs.EXECUTABLE));
  }

  @Test
  void refusesToReplaceSomethingElse() throws Exception {
    Path root = rootfsWithExecutable();
    Files.writeString(root.resolve("run"), "a file");
    InvalidAciException e = assertThrows(InvalidAciException.class,
        () -> EntrypointLinks.create(manifest(""), root, FixtureRootfs.EXECUTABLE));
    assertTrue(e.getMessage().endsWith("run: exists and is not the entrypoint link"), e.getMessage());
  }

  @Test
  void refusesAMissingExecutable() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("empty"));
    InvalidAciException e = assertThrows(InvalidAciException.class,
        () -> EntrypointLinks.create(manifest(""), root, FixtureRootfs.EXECUTABLE));
    assertTrue(e.getMessage().contains("the entrypoint executable is missing"), e.getMessage());
  }

  @Test
  void refusesAnEntrypointOutsideTheRootfs() throws Exception {
    Path root = rootfsWithExecutable();
    InvalidAciException e = assertThrows(InvalidAciException.class, () -> EntrypointLinks.create(
        manifest(",{\"name\":\"coreos.com/rkt/stage1/gc\",\"value\":\"/../gc\"}"), root, FixtureRootfs.EXECUTABLE));
    assertTrue(e.getMessage().contains("must be an absolute path inside the rootfs"), e.getMessage());
  }
}
