package io.stage1xen.guest.qemu;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the built guest lives: {@code -Dstage1xen.guest.kernel=… -Dstage1xen.guest.initrd=…}, or
 * {@code -Dstage1xen.guest.dir=DIR} holding {@code kernel} and {@code initrd} (what build-guest.sh writes); without
 * either, {@code target/guest} if it holds a build.
 */
record GuestArtifacts(Path kernel, Path initrd) {

  static GuestArtifacts fromSystemProperties() {
    String dir = System.getProperty("stage1xen.guest.dir");
    if (dir == null && System.getProperty("stage1xen.guest.kernel") == null
        && Files.isRegularFile(Path.of("target", "guest", "kernel"))) {
      dir = Path.of("target", "guest").toAbsolutePath().toString(); // build-guest.sh target/guest
    }
    String kernel = System.getProperty("stage1xen.guest.kernel", dir == null ? null : dir + "/kernel");
    String initrd = System.getProperty("stage1xen.guest.initrd", dir == null ? null : dir + "/initrd");
    if (kernel == null || initrd == null) {
      throw new IllegalStateException("guest tests need the built guest: run stage1/guest/build-guest.sh OUTDIR and "
          + "pass -Dstage1xen.guest.dir=OUTDIR (or -Dstage1xen.guest.kernel=… -Dstage1xen.guest.initrd=…)");
    }
    GuestArtifacts a = new GuestArtifacts(Path.of(kernel).toAbsolutePath(), Path.of(initrd).toAbsolutePath());
    for (Path p : new Path[] {a.kernel, a.initrd}) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException("guest artefact " + p + " does not exist: build it with "
            + "stage1/guest/build-guest.sh");
      }
    }
    return a;
  }
}
