package io.stage1xen.stage0;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Everything one call of a {@link FakeStage1} entrypoint was given, as its {@code dump} recorded it in
 * {@code $FAKE_LOG/<entrypoint>.d/}: raw, before any normalisation.
 *
 * @param argv argv[0] and the arguments
 * @param environment the environment as the kernel passed it ({@code /proc/<pid>/environ}), in order
 * @param fds every open descriptor: target and the octal flags of fdinfo
 * @param pid the entrypoint's pid
 * @param ppid its parent
 * @param grandparent its parent's parent
 * @param cwd its working directory, resolved
 * @param locks the locks on the pod directory (its cwd)
 * @param tree every path under the pod directory ({@code .}-relative, without the {@code ./}): type, mode, link
 * @param files the content of the small regular files under the pod directory
 * @param mounts the mount points under the pod directory, each with its file system type
 */
record Invocation(List<String> argv, List<String> environment, Map<Integer, Fd> fds, long pid, long ppid,
    long grandparent, String cwd, List<Lock> locks, Map<String, String> tree, Map<String, String> files,
    List<String> mounts) {

  /** An open descriptor: what it points at and its open flags (octal, as fdinfo prints them). */
  record Fd(String target, String flags) {}

  /** One lock on the pod directory as /proc/locks shows it, and whether the process it names still exists. */
  record Lock(String kind, String mode, String access, long holder, boolean holderAlive, String holderName) {}

  static Invocation read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new AssertionError("the entrypoint was not called (no " + dir + ")");
    }
    Map<Integer, Fd> fds = new TreeMap<>();
    for (String line : Files.readAllLines(dir.resolve("fds"))) {
      String[] f = line.split("\t", -1);
      fds.put(Integer.parseInt(f[0]), new Fd(f[1], f[2]));
    }
    String[] pids = Files.readString(dir.resolve("pids")).strip().split(" ");
    List<Lock> locks = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("locks"))) {
      String[] f = line.split(" ", 6);
      boolean alive = f[4].equals("alive");
      locks.add(new Lock(f[0], f[1], f[2], Long.parseLong(f[3]), alive, alive ? f[5] : ""));
    }
    Map<String, String> tree = new TreeMap<>();
    for (String line : Files.readAllLines(dir.resolve("listing"))) {
      // "<type> <mode> ./<path>\t<link target>"
      int tab = line.indexOf('\t');
      String[] head = line.substring(0, tab).split(" ", 3);
      String link = line.substring(tab + 1);
      tree.put(relative(head[2]), head[0] + " " + head[1] + (link.isEmpty() ? "" : " -> " + link));
    }
    Map<String, String> files = new TreeMap<>();
    Path copies = dir.resolve("files");
    try (Stream<Path> walk = Files.walk(copies)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(copies.relativize(p).toString(), Files.readString(p, StandardCharsets.ISO_8859_1));
      }
    }
    return new Invocation(nulSeparated(dir.resolve("argv")), nulSeparated(dir.resolve("environ")), fds,
        Long.parseLong(pids[0]), Long.parseLong(pids[1]), Long.parseLong(pids[2]),
        Files.readString(dir.resolve("cwd")).strip(), locks, tree, files, Files.readAllLines(dir.resolve("mounts")));
  }

  private static String relative(String dotPath) {
    return dotPath.equals(".") ? "." : dotPath.substring(2);
  }

  private static List<String> nulSeparated(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (text.isEmpty()) {
      return List.of();
    }
    return Arrays.asList(text.substring(0, text.length() - (text.endsWith("\0") ? 1 : 0)).split("\0", -1));
  }
}
