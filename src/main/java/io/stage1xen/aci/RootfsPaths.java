package io.stage1xen.aci;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Path arithmetic inside a stage1 rootfs, with '/'-separated paths relative to the rootfs ("" is the rootfs itself).
 * rkt executes entrypoints on the host without a chroot, so a link that is absolute or climbs out of the rootfs would
 * resolve against the host's file system: such links are errors, never followed.
 */
final class RootfsPaths {
  /** Linux's limit on symlinks followed in one lookup. */
  static final int MAX_LINK_HOPS = 40;

  private RootfsPaths() {}

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /**
   * Where a link at {@code linkPath} with {@code target} points, computed on the text alone (no link in between
   * followed); empty when the target is absolute or leaves the rootfs.
   */
  static Optional<String> lexicalTarget(String linkPath, String target) {
    if (target.isEmpty() || target.startsWith("/")) {
      return Optional.empty();
    }
    Deque<String> result = new ArrayDeque<>(split(parent(linkPath)));
    for (String part : split(target)) {
      if (part.equals("..")) {
        if (result.isEmpty()) {
          return Optional.empty();
        }
        result.removeLast();
      } else {
        result.addLast(part);
      }
    }
    return Optional.of(String.join("/", result));
  }

  /**
   * Resolves {@code path} the way the kernel would inside the rootfs, following every symlink on the way with
   * {@code linkTargetOf} (returns null for anything that is not a symlink).
   *
   * @throws InvalidAciException when a link is absolute, climbs out of the rootfs, or the chain is too long
   */
  static String resolve(String path, Function<String, String> linkTargetOf) throws InvalidAciException {
    Deque<String> pending = new ArrayDeque<>(split(path));
    List<String> resolved = new ArrayList<>();
    int hops = 0;
    while (!pending.isEmpty()) {
      String part = pending.removeFirst();
      if (part.equals("..")) {
        if (resolved.isEmpty()) {
          throw new InvalidAciException("path \"" + path + "\" leaves the rootfs");
        }
        resolved.remove(resolved.size() - 1);
        continue;
      }
      resolved.add(part);
      String here = String.join("/", resolved);
      String target = linkTargetOf.apply(here);
      if (target == null) {
        continue;
      }
      if (++hops > MAX_LINK_HOPS) {
        throw new InvalidAciException("path \"" + path + "\": more than " + MAX_LINK_HOPS + " symlinks");
      }
      if (target.startsWith("/")) {
        throw new InvalidAciException("path \"" + path + "\" goes through absolute symlink \"" + here + "\" -> \""
            + target + "\", which rkt would resolve on the host");
      }
      resolved.remove(resolved.size() - 1);
      List<String> rest = new ArrayList<>(split(target));
      rest.addAll(pending);
      pending = new ArrayDeque<>(rest);
    }
    return String.join("/", resolved);
  }

  /** Components of a relative path, without empty and "." parts. */
  static List<String> split(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return parts;
  }
}
