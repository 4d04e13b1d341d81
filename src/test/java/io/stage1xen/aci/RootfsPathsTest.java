package io.stage1xen.aci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RootfsPathsTest {
  @ParameterizedTest(name = "{0} -> {1} = {2}")
  @CsvSource(nullValues = "ESCAPES", value = {
      "run, stage1-xen/bin/stage1-xen, stage1-xen/bin/stage1-xen",
      "app/add, ../stage1-xen/bin/stage1-xen, stage1-xen/bin/stage1-xen",
      "a/b/c, ./d, a/b/d",
      "a/b/c, ../../x, x",
      "a/b/c, ../../../x, ESCAPES",
      "run, ../x, ESCAPES",
      "run, /usr/bin/true, ESCAPES",
      "a/b, x/../../y, y",
  })
  void lexicalTarget(String link, String target, String expected) {
    assertEquals(Optional.ofNullable(expected), RootfsPaths.lexicalTarget(link, target));
  }

  private static final Map<String, String> LINKS = Map.of(
      "run", "stage1-xen/bin/stage1-xen",
      "bin", "stage1-xen/bin",
      "via-dir", "bin/stage1-xen",
      "up", "a/../../x",
      "abs", "/bin/sh",
      "loop1", "loop2",
      "loop2", "loop1");

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
      "run, stage1-xen/bin/stage1-xen",
      "via-dir, stage1-xen/bin/stage1-xen",
      "bin/stage1-xen, stage1-xen/bin/stage1-xen",
      "stage1-xen/./bin//x, stage1-xen/bin/x",
      "bin/../run, stage1-xen/run",
  })
  void resolvesThroughLinksInsideTheRootfs(String path, String expected) throws InvalidAciException {
    assertEquals(expected, RootfsPaths.resolve(path, LINKS::get));
  }

  @Test
  void resolvingThroughParentOfALinkedDirectoryUsesTheLinkTarget() throws InvalidAciException {
    // bin -> stage1-xen/bin, so bin/.. is stage1-xen, as the kernel would see it
    assertEquals("stage1-xen/guest", RootfsPaths.resolve("bin/../guest", LINKS::get));
  }

  @ParameterizedTest
  @CsvSource({"up, leaves the rootfs", "abs, absolute symlink", "loop1, more than 40 symlinks", "../x, leaves the rootfs"})
  void refusesLinksThatLeaveOrLoop(String path, String message) {
    InvalidAciException e = assertThrows(InvalidAciException.class, () -> RootfsPaths.resolve(path, LINKS::get));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
