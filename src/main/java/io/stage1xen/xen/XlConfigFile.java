package io.stage1xen.xen;

import io.stage1xen.pod.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes a domain's xl.cfg into the pod directory, where a person can read it and start it by hand. */
public final class XlConfigFile {
  private XlConfigFile() {}

  /** Renders and writes {@code config} to {@code file} atomically (never a half-written config); returns the text. */
  public static String write(Path file, DomainConfig config) throws IOException {
    if (!file.isAbsolute()) {
      throw new IllegalArgumentException("xl.cfg path " + file + " must be absolute (xl create needs it so)");
    }
    String text = XlConfigRenderer.render(config);
    AtomicFile.replace(file, text, StandardCharsets.UTF_8);
    return text;
  }
}
