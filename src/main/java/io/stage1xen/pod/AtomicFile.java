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
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, content, charset);
      move(tmp, target);
    } catch (FileSystemException e) {
      throw e; // names its file already
    } catch (IOException e) {
      // a failed write (a full disk) says only "No space left on device": the user needs to know which file
      throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(tmp);
    }
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
