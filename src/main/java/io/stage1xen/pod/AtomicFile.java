package io.stage1xen.pod;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Replaces a file of the pod directory so that a reader (rkt, gc, a person) sees the old content or the new one,
 * never half of it: the text goes to a hidden sibling first, which is then renamed over the file.
 */
public final class AtomicFile {
  private AtomicFile() {}

  public static void replace(Path target, String content, Charset charset) throws IOException {
    Path tmp = stage(target, content, charset);
    try {
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The first half of {@link #replace}: the content, complete, in the target's hidden sibling ({@link #staged}),
   * for a {@link #move} later. A write that fails leaves nothing and names the target.
   */
  public static Path stage(Path target, String content, Charset charset) throws IOException {
    Path tmp = staged(target);
    try {
      Files.writeString(tmp, content, charset);
      return tmp;
    } catch (FileSystemException e) {
      Files.deleteIfExists(tmp);
      throw e; // names its file already
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      // a failed write (a full disk) says only "No space left on device": the user needs to know which file
      throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Where {@link #stage} puts the target's next content. */
  public static Path staged(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".tmp");
  }

  /** Renames {@code from} over {@code to}; atomically where the file system can. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
