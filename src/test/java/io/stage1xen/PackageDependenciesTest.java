package io.stage1xen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The package rules of README.md, checked on the main sources. */
class PackageDependenciesTest {
  private static final Path MAIN = Path.of("src/main/java/io/stage1xen");
  private static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);

  /** Besides the JDK, slf4j and {@code outcome} (which every package may use), what each package may import. */
  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("outcome", Set.of()),
      Map.entry("process", Set.of("sun.misc")),
      Map.entry("json", Set.of("com.fasterxml.jackson")),
      Map.entry("inet", Set.of("io.stage1xen.json", "com.fasterxml.jackson.annotation")),
      Map.entry("appc", Set.of("io.stage1xen.json", "io.stage1xen.inet", "com.fasterxml.jackson")),
      Map.entry("pod", Set.of("io.stage1xen.appc")),
      Map.entry("host", Set.of("io.stage1xen.process")),
      Map.entry("guest", Set.of("io.stage1xen.appc", "io.stage1xen.pod", "io.stage1xen.inet")),
      Map.entry("xen", Set.of("io.stage1xen.json", "io.stage1xen.inet", "io.stage1xen.appc", "io.stage1xen.pod",
          "io.stage1xen.host", "io.stage1xen.process")),
      Map.entry("network", Set.of("io.stage1xen.json", "io.stage1xen.inet", "io.stage1xen.appc", "io.stage1xen.pod",
          "io.stage1xen.process")),
      Map.entry("volume", Set.of("io.stage1xen.appc", "io.stage1xen.inet", "io.stage1xen.pod", "io.stage1xen.guest",
          "io.stage1xen.xen", "io.stage1xen.process")),
      Map.entry("aci", Set.of("io.stage1xen.appc", "org.apache.commons.compress")),
      Map.entry("lifecycle", Set.of("io.stage1xen.appc", "io.stage1xen.inet", "io.stage1xen.pod", "io.stage1xen.host",
          "io.stage1xen.guest", "io.stage1xen.xen", "io.stage1xen.process", "io.stage1xen.aci",
          "io.stage1xen.network", "io.stage1xen.volume")),
      Map.entry("cli", Set.of("io.stage1xen.", "picocli")));

  private static List<Path> sources() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static String packageOf(Path source) {
    Path relative = MAIN.relativize(source);
    return relative.getNameCount() == 1 ? "" : relative.getName(0).toString();
  }

  @Test
  void importsFollowTheTable() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path source : sources()) {
      String pkg = packageOf(source);
      if (pkg.isEmpty()) {
        continue; // Main: the entry point may use anything
      }
      Set<String> allowed = ALLOWED.get(pkg);
      assertTrue(allowed != null, "package " + pkg + " is not in README.md's table");
      Matcher m = IMPORT.matcher(Files.readString(source));
      while (m.find()) {
        String imported = m.group(2);
        boolean ok = imported.startsWith("java.") || imported.startsWith("javax.") || imported.startsWith("org.slf4j")
            || imported.startsWith("io.stage1xen." + pkg) || imported.startsWith("io.stage1xen.outcome")
            || allowed.stream().anyMatch(imported::startsWith);
        if (!ok) {
          violations.add(source + " imports " + imported);
        }
      }
    }
    assertTrue(violations.isEmpty(), String.join("\n", violations));
  }

  @Test
  void oneOwnerForProcessesMappersAndExit() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path source : sources()) {
      String text = Files.readString(source);
      String pkg = packageOf(source);
      if (!pkg.equals("process") && text.contains("ProcessBuilder")) {
        violations.add(source + " uses ProcessBuilder");
      }
      if (!(pkg.equals("json") && source.getFileName().toString().equals("Json.java"))
          && (text.contains("new ObjectMapper") || text.contains("JsonMapper.builder"))) {
        violations.add(source + " creates an ObjectMapper (only json/Json may)");
      }
      if (!pkg.isEmpty() && text.contains("System.exit")) {
        violations.add(source + " calls System.exit");
      }
    }
    assertTrue(violations.isEmpty(), String.join("\n", violations));
  }
}
