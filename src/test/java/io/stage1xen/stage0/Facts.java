package io.stage1xen.stage0;

import io.stage1xen.process.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a stage0 did to a stage1, flattened to {@code key -> value} so that two stage0s (the real rkt and the
 * stand-in, or rkt in two modes) can be compared line by line. Values are normalised: the data directory, the log
 * directory, the pod's UUID, the stage1's tree store ID, image IDs, pids and pipe inodes become placeholders, so
 * that only what a stage1 could tell apart remains.
 */
final class Facts {
  static final String ABSENT = "(absent)";

  // not the apps' tree store IDs (deps-sha512-..., overlay mode only): they depend on the images alone, and the
  // two rkt runs compared use the same images
  private static final Pattern IMAGE_ID = Pattern.compile("(?<!deps-)sha512-[0-9a-f]{64}");
  private static final Pattern KERNEL_OBJECT = Pattern.compile("(pipe|socket|anon_inode):\\[?[^\\]]*]?");
  private static final Pattern PID_ARG = Pattern.compile("--pid=(\\d+)");

  private final SortedMap<String, String> facts = new TreeMap<>();

  /**
   * How one pod's values are made comparable.
   *
   * @param literals exact strings (paths, the UUID) and their placeholders, longest first
   * @param stage1Tree the pod's stage1 tree store ID
   * @param runPid the pid of the pod's run entrypoint
   * @param testPid the pid of this JVM, which starts every stage0 command
   */
  record Normaliser(Map<String, String> literals, String stage1Tree, long runPid, long testPid) {
    String apply(String value) {
      String v = value;
      for (Map.Entry<String, String> e : literals.entrySet()) {
        v = v.replace(e.getKey(), e.getValue());
      }
      if (!stage1Tree.isEmpty()) {
        v = v.replace(stage1Tree, "<stage1-tree>");
      }
      v = IMAGE_ID.matcher(v).replaceAll("<image-id>");
      v = KERNEL_OBJECT.matcher(v).replaceAll("$1");
      Matcher pid = PID_ARG.matcher(v);
      return pid.replaceAll(m -> Long.parseLong(m.group(1)) == runPid ? "--pid=<run-pid>" : m.group());
    }

    String pid(long pid) {
      return pid == runPid ? "<run-pid>" : "another pid";
    }
  }

  SortedMap<String, String> asMap() {
    return Collections.unmodifiableSortedMap(facts);
  }

  /** One {@code key = value} per line (newlines in values escaped). */
  void write(Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    facts.forEach((k, v) -> sb.append(k).append(" = ").append(v.replace("\n", "\\n")).append('\n'));
    Files.writeString(file, sb);
  }

  void put(String key, String value) {
    if (facts.putIfAbsent(key, value) != null) {
      throw new IllegalStateException("fact recorded twice: " + key);
    }
  }

  /** Exit code and output of a stage0 command ({@code run}'s stderr is left out: rkt warns about its own setup). */
  void result(String key, ExecResult r, Normaliser n, boolean withOutput) {
    put(key + ".exit", String.valueOf(r.exitCode()));
    if (withOutput) {
      put(key + ".stdout", n.apply(r.stdout()));
      put(key + ".stderr", n.apply(r.stderr()));
    }
  }

  /** {@code status}: the lines both print (state, pid, exited, app-*), or the error. */
  void status(String key, ExecResult r, Normaliser n) {
    put(key + ".exit", String.valueOf(r.exitCode()));
    if (r.exitCode() != 0) {
      put(key + ".stderr", n.apply(r.stderr()));
      return;
    }
    // the lines rkt prints besides these (created, started, networks) have no counterpart in the stand-in
    Stage0.PodStatus status = Stage0.PodStatus.parse(r.stdout());
    put(key + ".state", status.state());
    put(key + ".pid", status.pid().isPresent() ? n.pid(status.pid().getAsLong()) : ABSENT);
    put(key + ".exited", String.valueOf(status.exited()));
    put(key + ".apps", new TreeMap<>(status.appExitCodes()).toString());
  }

  /** What one entrypoint was given, compared with the environment the test gave the stage0 command. */
  void invocation(String key, Invocation call, Map<String, String> callerEnvironment, Normaliser n) {
    put(key + ".argv", n.apply(call.argv().toString()));
    put(key + ".cwd", n.apply(call.cwd()));
    put(key + ".process", call.ppid() == n.testPid() ? "exec'd by the command (same pid)"
        : call.grandparent() == n.testPid() ? "a child of the command" : "neither the command nor its child");
    environment(key + ".env", call.environment(), callerEnvironment, n);
    call.fds().forEach((fd, d) -> put(key + ".fd." + fd, n.apply(d.target()) + " flags=" + d.flags()));
    List<String> locks = new ArrayList<>();
    for (Invocation.Lock l : call.locks()) {
      locks.add(l.kind() + " " + l.mode() + " " + l.access() + " named holder: " + holder(l, call, n));
    }
    put(key + ".locks", locks.toString());
    call.tree().forEach((path, entry) -> put(key + ".tree:" + n.apply(path), n.apply(entry)));
    call.files().forEach((path, content) -> put(key + ".file:" + n.apply(path),
        path.equals("pid") ? n.pid(Long.parseLong(content.strip())) : n.apply(content)));
    put(key + ".mounts", new TreeSet<>(call.mounts().stream().map(n::apply).toList()).toString());
  }

  private static String holder(Invocation.Lock l, Invocation call, Normaliser n) {
    if (l.holder() == call.pid()) {
      return "this entrypoint";
    } else if (l.holder() == call.ppid()) {
      return "its parent (" + l.holderName() + ")";
    } else if (l.holder() == n.runPid()) {
      return "the run entrypoint";
    } else if (!l.holderAlive()) {
      return "a process that has exited";
    }
    return "another process (" + l.holderName() + ")";
  }

  /** Variables added, changed or removed against the caller's, and the order of all names. */
  private void environment(String key, List<String> entries, Map<String, String> caller, Normaliser n) {
    Map<String, String> seen = new TreeMap<>();
    List<String> order = new ArrayList<>();
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      String name = eq < 0 ? entry : entry.substring(0, eq);
      order.add(name);
      seen.merge(name, eq < 0 ? "" : entry.substring(eq + 1), (first, again) -> first + " (twice: " + again + ")");
    }
    Set<String> names = new TreeSet<>(seen.keySet());
    names.addAll(caller.keySet());
    for (String name : names) {
      String value = seen.get(name);
      if (!Objects.equals(value, caller.get(name))) {
        put(key + "." + name, value == null ? "(removed)" : n.apply(value));
      }
    }
    put(key + "-order", order.toString());
  }

  /** One key whose values differ. */
  record Difference(String key, String expected, String actual) {
    @Override
    public String toString() {
      return key + ": " + expected + " | " + actual;
    }
  }

  /** Every key whose value differs between the two (a key only one of them has counts, with {@link #ABSENT}). */
  static List<Difference> diff(Facts expected, Facts actual) {
    Set<String> keys = new TreeSet<>(expected.facts.keySet());
    keys.addAll(actual.facts.keySet());
    List<Difference> out = new ArrayList<>();
    for (String k : keys) {
      String e = expected.facts.getOrDefault(k, ABSENT);
      String a = actual.facts.getOrDefault(k, ABSENT);
      if (!e.equals(a)) {
        out.add(new Difference(k, e, a));
      }
    }
    return out;
  }
}
