package io.stage1xen.aci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes arbitrary (also broken) ACIs entry by entry, for verifier tests. */
final class TarBuilder {
  private record Item(String name, byte flag, int mode, long uid, byte[] content, String link) {}

  private final List<Item> items = new ArrayList<>();

  TarBuilder dir(String name) {
    items.add(new Item(name, TarConstants.LF_DIR, 0755, 0, null, null));
    return this;
  }

  TarBuilder file(String name, int mode, String content) {
    items.add(new Item(name, TarConstants.LF_NORMAL, mode, 0, content.getBytes(StandardCharsets.UTF_8), null));
    return this;
  }

  TarBuilder link(String name, String target) {
    items.add(new Item(name, TarConstants.LF_SYMLINK, 0777, 0, null, target));
    return this;
  }

  TarBuilder entry(String name, byte flag, int mode, long uid) {
    items.add(new Item(name, flag, mode, uid, flag == TarConstants.LF_NORMAL ? new byte[0] : null,
        flag == TarConstants.LF_LINK ? "rootfs/x" : null));
    return this;
  }

  /** A valid stage1 ACI's entries, with the given manifest text. */
  static TarBuilder valid(String manifest) {
    return new TarBuilder()
        .file("manifest", 0644, manifest)
        .dir("rootfs/")
        .link("rootfs/enter", "stage1-xen/bin/stage1-xen")
        .link("rootfs/gc", "stage1-xen/bin/stage1-xen")
        .dir("rootfs/opt/")
        .dir("rootfs/opt/stage2/")
        .dir("rootfs/rkt/")
        .dir("rootfs/rkt/status/")
        .link("rootfs/run", "stage1-xen/bin/stage1-xen")
        .dir("rootfs/stage1-xen/")
        .dir("rootfs/stage1-xen/bin/")
        .file("rootfs/stage1-xen/bin/stage1-xen", 0755, "#!/bin/sh\n")
        .link("rootfs/stop", "stage1-xen/bin/stage1-xen");
  }

  /** Drops every entry whose name equals or starts with {@code prefix}. */
  TarBuilder without(String prefix) {
    items.removeIf(i -> i.name().equals(prefix) || i.name().startsWith(prefix));
    return this;
  }

  TarBuilder replaceFile(String name, int mode, String content) {
    int at = indexOf(name);
    items.set(at, new Item(name, TarConstants.LF_NORMAL, mode, 0, content.getBytes(StandardCharsets.UTF_8), null));
    return this;
  }

  TarBuilder replaceLink(String name, String target) {
    items.set(indexOf(name), new Item(name, TarConstants.LF_SYMLINK, 0777, 0, null, target));
    return this;
  }

  private int indexOf(String name) {
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no entry " + name);
  }

  Path writeGzip(Path file) throws IOException {
    try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(file))) {
      writeTar(out);
    }
    return file;
  }

  Path writePlain(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      writeTar(out);
    }
    return file;
  }

  private void writeTar(OutputStream out) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buffer, StandardCharsets.UTF_8.name())) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Item i : items) {
        TarArchiveEntry e = new TarArchiveEntry(i.name(), i.flag(), true);
        e.setMode(i.mode() | (i.flag() == TarConstants.LF_DIR ? 040000 : i.flag() == TarConstants.LF_SYMLINK ? 0120000
            : 0100000));
        e.setIds((int) i.uid(), 0);
        if (i.link() != null) {
          e.setLinkName(i.link());
        }
        if (i.content() != null) {
          e.setSize(i.content().length);
        }
        tar.putArchiveEntry(e);
        if (i.content() != null) {
          tar.write(i.content());
        }
        tar.closeArchiveEntry();
      }
    }
    out.write(buffer.toByteArray());
  }
}
