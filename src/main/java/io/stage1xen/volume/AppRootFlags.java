package io.stage1xen.volume;

import io.stage1xen.process.ProcessException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The last step of closing the apps' roots ({@link AppRoots}): rkt's mounts of them made {@code nosuid,nodev}, one
 * remount each, checked in the mount table. A remount changes the flags of the mount that is there and never what a
 * path shows, and a file opened through the mount before (QEMU opens its export when it starts) is held to them
 * from then on. So the run may set them while xl creates the domain, as long as they are set before the guest gets
 * its plan: nothing of the pod's own runs in the VM before that.
 */
public final class AppRootFlags {
  private final HostMounts mounts;
  private final List<Path> roots;

  AppRootFlags(HostMounts mounts, List<Path> roots) {
    this.mounts = mounts;
    this.roots = List.copyOf(roots);
  }

  /** True when there is nothing to remount (every root was bound with its flags already). */
  public boolean isEmpty() {
    return roots.isEmpty();
  }

  /** Remounts each root {@code nosuid,nodev}; an error names the mount and leaves the rest as they were. */
  public void apply() throws IOException, ProcessException, InterruptedException {
    for (Path root : roots) {
      mounts.restrict(root, false, false);
    }
  }

  @Override
  public String toString() {
    return roots.toString();
  }
}
