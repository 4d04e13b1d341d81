package io.stage1xen.lifecycle;

import io.stage1xen.testing.PlainJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * A deterministic generator of hostile pods: it starts from the pod manifests rkt 1.30.0 really wrote (the fixtures)
 * and image manifests with every field stage1-xen reads, and changes one thing per case, the way an image author or
 * a broken tool could. The same seed gives the same cases, so a finding is reproduced by its seed and index.
 */
final class ManifestFuzzer {
  /** What kind of hostility a case carries; the report counts cases per category. */
  enum Category {
    FIELD_MUTATION, HUGE_STRING, CONTROL_CHARACTERS, DEEP_NESTING, WRONG_TYPE, DUPLICATE_NAMES, PATH_TRAVERSAL,
    HOSTILE_SYMLINKS, BROKEN_TEXT
  }

  /** A symlink in an app's rootfs, its target absolute or relative. */
  record Symlink(String app, String path, String target) {
    Symlink {
      Objects.requireNonNull(app, "app");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(target, "target");
    }
  }

  /** One generated pod: the manifests as bytes (they need not be JSON) and the symlinks to plant. */
  record FuzzCase(int index, Category category, String what, String uuid, byte[] podManifest,
      Map<String, byte[]> images, List<Symlink> symlinks) {
    FuzzCase {
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(what, "what");
      podManifest = podManifest.clone();
      images = Map.copyOf(images);
      symlinks = List.copyOf(symlinks);
    }
  }

  static final List<String> FIXTURES = List.of("exec-args-user", "inherit-env", "mounts", "mutable-sandbox",
      "one-app", "pod-annotations", "resources", "set-env", "two-apps-exit5", "volume-mount-appmount",
      "volume-mount");
  private static final String FIXTURE_SOURCE = "/srv/pod-data";
  private static final String NEST = "@@nest@@";

  private static final String[] CONTROL = {"\n", "\r\n", "\u0000", "\u001b[31m", "\t", "\"", "\\", ",", "=", "]",
      "'", "$(reboot)", "`id`", ";", "\u2028", "\u00ff", "\u007f", "\"]\nextra = \"1", "\nkernel = \"/evil\"\n"};
  private static final String[] TRAVERSAL = {"../../etc", "/../../etc/shadow", "..", "/", "//", "/a/../../..",
      "./x", "/proc/self/root/etc", "a/b", "/data/../..", "/etc/shadow", "~/x", "/dev/sda", "/data/./../../etc",
      "../../../../../../../../tmp/x", "/..", "/.", "...", "/data/..", "C:\\windows"};
  private static final Object[] WRONG = {42, -1, 0, 1e300, Long.MAX_VALUE, true, false, null, "text", "", List.of(),
      Map.of(), List.of("a"), Map.of("a", 1), List.of(List.of()), "-1", "0x10", "1e400"};
  private static final String[] NAMED_LISTS = {"apps", "volumes", "environment", "mountPoints", "ports",
      "isolators", "annotations", "labels", "eventHandlers", "mounts"};
  private static final int[] HUGE = {256, 4097, 65_537, 1 << 20};
  private static final int[] DEPTH = {40, 65, 1001, 20_000};

  private final Map<String, Object> fixtures = new LinkedHashMap<>();
  private final Path hostData;
  private final Path victim;

  /**
   * @param hostData an existing directory that replaces the fixtures' host volume source
   * @param victim a directory outside the pod that hostile symlinks point at: it must stay untouched
   */
  ManifestFuzzer(Path hostData, Path victim) throws IOException {
    this.hostData = hostData;
    this.victim = victim;
    for (String name : FIXTURES) {
      String resource = "/rkt-1.30.0/pod-manifests/" + name + ".json";
      try (InputStream in = ManifestFuzzer.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("fixture " + resource + " missing");
        }
        String json = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(FIXTURE_SOURCE,
            hostData.toString());
        fixtures.put(name, PlainJson.read(json, resource));
      }
    }
  }

  /** The case {@code index} of the run with this seed: the same pair always gives the same case. */
  FuzzCase generate(long seed, int index) {
    Random rnd = new Random(seed * 1_000_003L + index);
    Category category = Category.values()[rnd.nextInt(Category.values().length)];
    String fixture = FIXTURES.get(rnd.nextInt(FIXTURES.size()));
    String uuid = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
    Map<String, Object> pod = copyMap(fixtures.get(fixture));
    Map<String, Map<String, Object>> images = images(pod);
    boolean inImage = !images.isEmpty() && rnd.nextInt(10) < 3;
    String app = images.isEmpty() ? "" : List.copyOf(images.keySet()).get(rnd.nextInt(images.size()));
    Object target = inImage ? images.get(app) : pod;
    String where = fixture + (inImage ? " image of " + app : " pod manifest");
    List<Symlink> links = new ArrayList<>();
    String what;
    byte[] rawPod = null;
    switch (category) {
      case FIELD_MUTATION -> what = mutateField(rnd, target);
      case HUGE_STRING -> {
        int n = HUGE[rnd.nextInt(HUGE.length)];
        what = replaceSlot(rnd, target, Slot::isString, s -> "x".repeat(n), n + " characters");
      }
      case CONTROL_CHARACTERS -> {
        String c = CONTROL[rnd.nextInt(CONTROL.length)];
        what = replaceSlot(rnd, target, Slot::isString, s -> insert(rnd, (String) s, c), "with " + show(c));
      }
      case DEEP_NESTING -> {
        int depth = DEPTH[rnd.nextInt(DEPTH.length)];
        what = replaceSlot(rnd, target, s -> true, s -> NEST, "nested " + depth + " deep");
        byte[] text = json(target).replace("\"" + NEST + "\"", "[".repeat(depth) + "]".repeat(depth))
            .getBytes(StandardCharsets.UTF_8);
        return build(index, category, where + ": " + what, uuid, pod, images, inImage, app, text, links);
      }
      case WRONG_TYPE -> {
        Object v = WRONG[rnd.nextInt(WRONG.length)];
        what = replaceSlot(rnd, target, s -> true, s -> v, "to " + v);
      }
      case DUPLICATE_NAMES -> what = duplicate(rnd, target);
      case PATH_TRAVERSAL -> {
        String p = TRAVERSAL[rnd.nextInt(TRAVERSAL.length)];
        what = replaceSlot(rnd, target, Slot::isPathLike, s -> p, "to " + p);
      }
      case HOSTILE_SYMLINKS -> {
        what = plantSymlinks(rnd, pod, images, links);
        target = pod;
        where = fixture;
      }
      case BROKEN_TEXT -> {
        rawPod = brokenText(rnd, json(pod));
        what = "broken text: " + lastBroken;
        where = fixture + " pod manifest";
      }
      default -> throw new IllegalStateException(category.name());
    }
    return build(index, category, where + ": " + what, uuid, pod, images, false, app, rawPod, links);
  }

  private FuzzCase build(int index, Category category, String what, String uuid, Map<String, Object> pod,
      Map<String, Map<String, Object>> images, boolean rawIsImage, String app, byte[] raw, List<Symlink> links) {
    Map<String, byte[]> imageBytes = new LinkedHashMap<>();
    images.forEach((name, m) -> imageBytes.put(name, json(m).getBytes(StandardCharsets.UTF_8)));
    byte[] podBytes = json(pod).getBytes(StandardCharsets.UTF_8);
    if (raw != null && rawIsImage) {
      imageBytes.put(app, raw);
    } else if (raw != null) {
      podBytes = raw;
    }
    return new FuzzCase(index, category, what, uuid, podBytes, imageBytes, links);
  }

  /** An image manifest for every app of the pod that names a valid directory, with every field run reads. */
  private static Map<String, Map<String, Object>> images(Map<String, Object> pod) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    if (!(pod.get("apps") instanceof List<?> apps)) {
      return out;
    }
    for (Object a : apps) {
      if (a instanceof Map<?, ?> m && m.get("name") instanceof String name && m.get("image") instanceof Map<?, ?> i) {
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("exec", new ArrayList<>(List.of("/bin/echo", "from the image")));
        app.put("user", "0");
        app.put("group", "0");
        app.put("workingDirectory", "/srv");
        app.put("environment", new ArrayList<>(List.of(entry("name", "FROM_IMAGE", "value", "1"))));
        app.put("mountPoints", new ArrayList<>(List.of(entry("name", "data", "path", "/data"))));
        app.put("ports", new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("name", "http", "protocol", "tcp",
            "port", 80)))));
        app.put("isolators", new ArrayList<>(List.of(entry("name", "resource/memory", "value",
            new LinkedHashMap<>(Map.of("limit", "64M"))))));
        app.put("eventHandlers", new ArrayList<>(List.of(entry("name", "pre-start", "exec",
            new ArrayList<>(List.of("/bin/true"))))));
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("acKind", "ImageManifest");
        image.put("acVersion", "0.8.11");
        image.put("name", i.get("name"));
        image.put("labels", new ArrayList<>(List.of(entry("name", "os", "value", "linux"),
            entry("name", "arch", "value", "amd64"))));
        image.put("app", app);
        image.put("annotations", new ArrayList<>(List.of(entry("name", "authors", "value", "fuzz"))));
        out.put(name, image);
      }
    }
    return out;
  }

  // ---- the mutations ----

  /** A place in the tree: a map key or a list index of a container. */
  private record Slot(Object container, Object key, String path) {
    Object get() {
      return container instanceof Map<?, ?> m ? m.get(key) : ((List<?>) container).get((Integer) key);
    }

    @SuppressWarnings("unchecked")
    void set(Object value) {
      if (container instanceof Map<?, ?> m) {
        ((Map<Object, Object>) m).put(key, value);
      } else {
        ((List<Object>) container).set((Integer) key, value);
      }
    }

    boolean isString() {
      return get() instanceof String;
    }

    boolean isPathLike() {
      String k = key instanceof String s ? s : "";
      return get() instanceof String && (k.equals("path") || k.equals("source") || k.equals("workingDirectory")
          || k.equals("name") || k.equals("volume") || path.contains(".exec[") || k.equals("user")
          || k.equals("group"));
    }
  }

  private static List<Slot> slots(Object node, String path, List<Slot> out) {
    if (node instanceof Map<?, ?> m) {
      for (Object k : List.copyOf(m.keySet())) {
        String p = path + "." + k;
        out.add(new Slot(m, k, p));
        slots(m.get(k), p, out);
      }
    } else if (node instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        String p = path + "[" + i + "]";
        out.add(new Slot(l, i, p));
        slots(l.get(i), p, out);
      }
    }
    return out;
  }

  private interface SlotFilter {
    boolean accept(Slot s);
  }

  private interface Replacement {
    Object of(Object old);
  }

  private static String replaceSlot(Random rnd, Object root, SlotFilter filter, Replacement replacement,
      String how) {
    List<Slot> candidates = slots(root, "", new ArrayList<>()).stream().filter(filter::accept).toList();
    if (candidates.isEmpty()) {
      return "nothing to change";
    }
    Slot s = candidates.get(rnd.nextInt(candidates.size()));
    s.set(replacement.of(s.get()));
    return s.path() + " " + how;
  }

  @SuppressWarnings("unchecked")
  private static String mutateField(Random rnd, Object root) {
    List<Slot> all = slots(root, "", new ArrayList<>());
    if (all.isEmpty()) {
      return "nothing to change";
    }
    Slot s = all.get(rnd.nextInt(all.size()));
    switch (rnd.nextInt(3)) {
      case 0 -> {
        if (s.container() instanceof Map<?, ?> m) {
          m.remove(s.key());
        } else {
          ((List<Object>) s.container()).remove((int) (Integer) s.key());
        }
        return s.path() + " removed";
      }
      case 1 -> {
        Object other = all.get(rnd.nextInt(all.size())).get();
        s.set(copy(other));
        return s.path() + " set to the value of another field";
      }
      default -> {
        if (s.get() instanceof Map<?, ?> m) {
          ((Map<String, Object>) m).put("unknownField", "surprise");
          return s.path() + " gains an unknown field";
        }
        s.set(s.get() instanceof Number ? -1 : s.get() instanceof String str ? str.toUpperCase() : null);
        return s.path() + " changed";
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static String duplicate(Random rnd, Object root) {
    List<Slot> lists = slots(root, "", new ArrayList<>()).stream()
        .filter(s -> s.get() instanceof List<?> l && !l.isEmpty() && s.key() instanceof String k
            && Arrays.asList(NAMED_LISTS).contains(k))
        .toList();
    if (lists.isEmpty()) {
      return "no list to duplicate in";
    }
    Slot s = lists.get(rnd.nextInt(lists.size()));
    List<Object> l = (List<Object>) s.get();
    Object first = l.get(rnd.nextInt(l.size()));
    if (rnd.nextBoolean() || l.size() < 2) {
      l.add(copy(first));
      return s.path() + ": an entry twice";
    }
    Object second = l.get(rnd.nextInt(l.size()));
    if (first instanceof Map<?, ?> a && second instanceof Map<?, ?> b && a.containsKey("name")) {
      ((Map<Object, Object>) b).put("name", a.get("name"));
      return s.path() + ": two entries named " + a.get("name");
    }
    l.add(copy(first));
    return s.path() + ": an entry twice";
  }

  /** Symlinks in an app's rootfs pointing out of it, and mounts whose targets go through them. */
  @SuppressWarnings("unchecked")
  private String plantSymlinks(Random rnd, Map<String, Object> pod, Map<String, Map<String, Object>> images,
      List<Symlink> links) {
    if (images.isEmpty()) {
      return "no app";
    }
    String app = List.copyOf(images.keySet()).get(rnd.nextInt(images.size()));
    String[][] choices = {
        {"etc", victim.toString()}, {"data", victim.toString()}, {"data", "/"},
        {"scratch", "../../../../../../../../../../" + victim}, {"srv", victim.resolve("srv").toString()},
        {"rkt", "../../../../.."}, {"dev", "/dev"}, {"proc", "/proc"}, {"tmp", "../../../tmp"}};
    int n = 1 + rnd.nextInt(3);
    StringBuilder what = new StringBuilder("symlinks in " + app + "'s rootfs:");
    for (int i = 0; i < n; i++) {
      String[] c = choices[rnd.nextInt(choices.length)];
      if (links.stream().noneMatch(l -> l.path().equals(c[0]))) {
        links.add(new Symlink(app, c[0], c[1]));
        what.append(' ').append(c[0]).append(" -> ").append(c[1]);
      }
    }
    Map<String, Object> image = images.get(app);
    Map<String, Object> appSection = (Map<String, Object>) image.get("app");
    List<Object> points = (List<Object>) appSection.get("mountPoints");
    points.add(entry("name", "through-link", "path", "/etc/through/link"));
    return what.toString();
  }

  private String lastBroken = "";

  private byte[] brokenText(Random rnd, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    switch (rnd.nextInt(8)) {
      case 0 -> {
        int cut = rnd.nextInt(bytes.length);
        lastBroken = "cut after " + cut + " bytes";
        return Arrays.copyOf(bytes, cut);
      }
      case 1 -> {
        lastBroken = "invalid UTF-8 in a string";
        int at = Math.max(0, json.indexOf("PodManifest"));
        return splice(bytes, at, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
      }
      case 2 -> {
        lastBroken = "a UTF-8 byte order mark";
        return splice(bytes, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      }
      case 3 -> {
        lastBroken = "empty";
        return new byte[0];
      }
      case 4 -> {
        lastBroken = "a NUL byte";
        return splice(bytes, rnd.nextInt(bytes.length), new byte[] {0});
      }
      case 5 -> {
        String[] docs = {"null", "[]", "\"PodManifest\"", "42", "{}", "{\"acKind\":\"ImageManifest\"}"};
        String d = docs[rnd.nextInt(docs.length)];
        lastBroken = "the document " + d;
        return d.getBytes(StandardCharsets.UTF_8);
      }
      case 6 -> {
        lastBroken = "a duplicated key";
        return json.replaceFirst("\\{", "{\"acKind\":\"ImageManifest\",").getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        lastBroken = "trailing garbage";
        return (json + "}{").getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  // ---- plumbing ----

  private static byte[] splice(byte[] bytes, int at, byte[] insert) {
    byte[] out = new byte[bytes.length + insert.length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(bytes, at, out, at + insert.length, bytes.length - at);
    return out;
  }

  private static String insert(Random rnd, String s, String c) {
    int at = s.isEmpty() ? 0 : rnd.nextInt(s.length() + 1);
    return s.substring(0, at) + c + s.substring(at);
  }

  static String show(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c < 0x20 || c == 0x7f || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }

  private static Map<String, Object> entry(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private static String json(Object plain) {
    return PlainJson.write(plain);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copyMap(Object m) {
    return (Map<String, Object>) copy(m);
  }

  private static Object copy(Object node) {
    if (node instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, copy(v)));
      return out;
    }
    if (node instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(copy(v)));
      return out;
    }
    return node;
  }
}
