package io.stage1xen.aci;

import io.stage1xen.appc.ImageManifestTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Creates, in a rootfs being assembled, one symlink per entrypoint annotation of the manifest, all pointing at the
 * one multi-call executable. The links are relative: rkt executes entrypoints on the host, where an absolute link
 * would resolve against the host's root. The manifest stays the only list of entrypoints.
 */
public final class EntrypointLinks {
  private EntrypointLinks() {}

  /**
   * Links every entrypoint path of {@code manifest} to {@code executable} (a path relative to {@code rootfs}).
   * An existing link with the same target is kept; anything else at an entrypoint path is an error.
   *
   * @return the links created or kept, as rootfs-relative paths in manifest order
   */
  public static List<String> create(ImageManifestTree manifest, Path rootfs, String executable)
      throws IOException, InvalidAciException {
    if (executable.startsWith("/") || RootfsPaths.split(executable).contains("..")) {
      throw new InvalidAciException("executable \"" + executable + "\" must be a path inside the rootfs");
    }
    Path target = rootfs.resolve(executable);
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || !Files.isExecutable(target)) {
      throw new InvalidAciException(target + ": the entrypoint executable is missing or not executable");
    }
    List<String> links = new ArrayList<>();
    for (Map.Entry<String, String> a : manifest.annotations().entrySet()) {
      if (!Stage1Annotations.isEntrypoint(a.getKey())) {
        continue;
      }
      String value = a.getValue();
      List<String> parts = RootfsPaths.split(value);
      if (!value.startsWith("/") || parts.isEmpty() || parts.contains("..")) {
        throw new InvalidAciException("annotation " + a.getKey() + "=\"" + value
            + "\" must be an absolute path inside the rootfs");
      }
      String path = String.join("/", parts);
      String relative = relativeTarget(path, String.join("/", RootfsPaths.split(executable)));
      Path link = rootfs.resolve(path);
      if (Files.isSymbolicLink(link)) {
        if (!Files.readSymbolicLink(link).toString().equals(relative)) {
          throw new InvalidAciException(link + ": exists and points elsewhere than \"" + relative + "\"");
        }
      } else if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidAciException(link + ": exists and is not the entrypoint link");
      } else {
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of(relative));
      }
      links.add(path);
    }
    return links;
  }

  /** The relative link text that makes {@code linkPath} point at {@code targetPath} (both rootfs-relative). */
  static String relativeTarget(String linkPath, String targetPath) {
    List<String> from = RootfsPaths.split(RootfsPaths.parent(linkPath));
    List<String> to = RootfsPaths.split(targetPath);
    int common = 0;
    while (common < from.size() && common < to.size() - 1 && from.get(common).equals(to.get(common))) {
      common++;
    }
    List<String> parts = new ArrayList<>(Collections.nCopies(from.size() - common, ".."));
    parts.addAll(to.subList(common, to.size()));
    return String.join("/", parts);
  }
}
