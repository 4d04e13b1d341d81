package io.stage1xen.xen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a domain's xl.cfg into the pod directory, where a person can read it and start it by hand. */
public final class XlConfigFile {
  private XlConfigFile() {}

  /** Renders and writes {@code config} to {@code file} atomically (never a half-written config); returns the text. */
  public static String write(Path file, DomainConfig config) throws IOException {
    if (!file.isAbsolute()) {
      throw new IllegalArgumentException("xl.cfg path " + file + " must be absolute (xl create needs it so)");
    }
    String text = XlConfigRenderer.render(config);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (FileSystemException e) {
      Files.deleteIfExists(tmp);
      throw e;
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      // a failed write (a full disk) says only "No space left on device": the user needs to know which file
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return text;
  }
}
