package io.stage1xen.stage0;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a fake entrypoint reported about its invocation ({@code key=value} lines, {@code arg=} repeated). */
record Report(List<String> args, Map<String, String> values) {
  static Report read(Path file) throws IOException {
    List<String> args = new ArrayList<>();
    Map<String, String> values = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      String key = line.substring(0, eq);
      String value = line.substring(eq + 1);
      if (key.equals("arg")) {
        args.add(value);
      } else {
        values.put(key, value);
      }
    }
    return new Report(List.copyOf(args), Map.copyOf(values));
  }

  String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new AssertionError("the entrypoint did not report " + key + ": " + values);
    }
    return v;
  }

  List<String> fds() {
    return List.of(get("fds").split(" "));
  }
}
