package io.stage1xen.volume;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Makes a missing mount point inside an app's root filesystem from dom0, resolved exactly as the guest init resolves
 * it (openat2 with {@code RESOLVE_IN_ROOT}, stage1/guest/safepath.c): {@code ..} stops at the root, an absolute
 * symlink starts again at the root, and a dangling symlink has its target made inside the root. An image can hold
 * any symlink, so every component is read without following links and a link is expanded here, never by the
 * kernel: what is created is always a plain name in a directory that was itself checked to be a real directory
 * inside the root. Nothing else runs in the pod's root filesystem before its domain exists.
 *
 * <p>Used for every app's root before it is exported: the guest then finds every mount point it needs (the empty
 * directories and files it would make itself) and, with {@code readOnlyRootFS}, writes nothing; it only looks them
 * up over 9p instead of creating them there. A path that cannot be made as asked (a file where a directory is
 * needed, a symlink loop) is left alone: the guest meets the same problem and reports it with the app.
 */
final class InRootPaths {
  /** The kernel's limit on symlinks in one lookup. */
  static final int MAX_LINKS = 40;
  /** More than any path of at most 4095 bytes needs, links included. */
  private static final int MAX_CREATED = 4096;

  private final Path root;

  InRootPaths(Path root) {
    this.root = root;
  }

  /** Where a path leads inside the root: there, or the first missing name and the real directory it belongs in. */
  private sealed interface Lookup permits Found, Missing, Blocked {}

  private record Found(Path path, boolean directory) implements Lookup {}

  private record Missing(Path directory, String name, boolean last) implements Lookup {}

  private record Blocked(String why) implements Lookup {}

  /** Makes the directory (and its parents) unless it exists; true when the path is a directory now. */
  boolean directory(String path) throws IOException {
    return make(path, false);
  }

  /** Makes an empty file (and its parent directories) unless the path exists; true when it exists now. */
  boolean file(String path) throws IOException {
    return make(path, true);
  }

  private boolean make(String path, boolean file) throws IOException {
    for (int i = 0; i < MAX_CREATED; i++) {
      Lookup l = lookup(path);
      if (l instanceof Found f) {
        return file || f.directory();
      }
      if (l instanceof Blocked) {
        return false;
      }
      Missing m = (Missing) l;
      Path created = m.directory().resolve(m.name());
      boolean makeFile = file && m.last();
      try {
        // O_EXCL and mkdir(2) never follow a link in the last name: nothing is made through one
        if (makeFile) {
          Files.createFile(created);
        } else {
          Files.createDirectory(created);
        }
      } catch (FileAlreadyExistsException e) {
        return false; // appeared meanwhile: not the image's doing, left to the guest
      }
      // the modes the guest init gives what it makes, whatever the umask
      Files.setPosixFilePermissions(created, PosixFilePermissions.fromString(makeFile ? "rw-r--r--" : "rwxr-xr-x"));
    }
    return false;
  }

  /** The path resolved inside the root, one component at a time, links expanded here. */
  private Lookup lookup(String path) throws IOException {
    Deque<String> todo = new ArrayDeque<>();
    push(todo, path);
    Path at = root;
    int links = 0;
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        at = at.equals(root) ? root : at.getParent();
        continue;
      }
      Path next = at.resolve(name);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return new Missing(at, name, todo.stream().allMatch(n -> n.isEmpty() || n.equals(".")));
      }
      if (a.isSymbolicLink()) {
        if (++links > MAX_LINKS) {
          return new Blocked(path + ": too many symbolic links");
        }
        String target = Files.readSymbolicLink(next).toString();
        if (target.startsWith("/")) {
          at = root;
        }
        push(todo, target);
        continue;
      }
      if (!a.isDirectory() && todo.stream().anyMatch(n -> !n.isEmpty() && !n.equals("."))) {
        return new Blocked(path + ": " + root.relativize(next) + " is not a directory");
      }
      at = next;
    }
    return new Found(at, Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS));
  }

  /** Puts the components of a path in front of what is left to resolve. */
  private static void push(Deque<String> todo, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      todo.push(parts[i]);
    }
  }
}
