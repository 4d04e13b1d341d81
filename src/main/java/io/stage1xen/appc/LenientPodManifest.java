package io.stage1xen.appc;

import com.fasterxml.jackson.databind.JsonNode;
import io.stage1xen.json.NodeFields;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What gc and stop need from a pod manifest, read without validating the rest: the app names and the pod
 * annotations. It never throws: a pod must stay stoppable and collectable even when its manifest no longer
 * validates (or is gone). Whatever could not be read is listed in {@link #problems()} for the log.
 *
 * <p>App names that are not valid AC Names are skipped (and reported): they are used to build paths.
 */
public record LenientPodManifest(List<AcName> appNames, Map<String, String> annotations, List<String> problems) {

  public LenientPodManifest {
    appNames = List.copyOf(appNames);
    annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    problems = List.copyOf(problems);
  }

  public static LenientPodManifest read(Path file) {
    String json;
    try {
      json = AppcJson.read(file);
    } catch (IOException e) {
      return new LenientPodManifest(List.of(), Map.of(), List.of(e.getMessage()));
    }
    return parse(json, file.toString());
  }

  public static LenientPodManifest parse(String json, String source) {
    JsonNode root;
    try {
      root = AppcJson.parseTree(json, source);
    } catch (InvalidManifestException e) {
      return new LenientPodManifest(List.of(), Map.of(), List.of(e.getMessage()));
    }
    List<String> problems = new ArrayList<>();
    List<AcName> names = new ArrayList<>();
    JsonNode apps = NodeFields.get(root, "apps");
    if (apps != null && apps.isArray()) {
      for (int i = 0; i < apps.size(); i++) {
        JsonNode name = NodeFields.get(apps.get(i), "name");
        if (name != null && name.isTextual() && AcName.isValid(name.textValue())) {
          names.add(AcName.of(name.textValue()));
        } else {
          problems.add(source + ": apps[" + i + "].name: not a valid app name, skipped: "
              + (name == null ? "missing" : InvalidValueException.render(name.isTextual() ? name.textValue()
                  : name.toString())));
        }
      }
    } else if (apps != null) {
      problems.add(source + ": apps: not an array");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    JsonNode list = NodeFields.get(root, "annotations");
    if (list != null && list.isArray()) {
      for (JsonNode a : list) {
        JsonNode name = NodeFields.get(a, "name");
        JsonNode value = NodeFields.get(a, "value");
        if (name != null && name.isTextual()) {
          annotations.put(name.textValue(), value != null && value.isTextual() ? value.textValue() : "");
        }
      }
    }
    return new LenientPodManifest(names, annotations, problems);
  }

  public boolean isMutable() {
    return "true".equals(annotations.get(PodManifest.MUTABLE_ANNOTATION));
  }
}
