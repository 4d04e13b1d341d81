package io.stage1xen.appc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A native image only lets Jackson reflect on classes listed in the committed reachability metadata. This walks the
 * types data binding reaches from the manifests (record components, creator parameters, type arguments) and fails
 * when one of them is missing there, or registered without the access Jackson needs.
 */
class ReflectionMetadataTest {
  static final String RESOURCE = "/META-INF/native-image/io.stage1xen/stage1-xen/reflect-config.json";
  private static final Set<String> ACCESS =
      Set.of("allDeclaredFields", "allDeclaredConstructors", "allPublicMethods", "allDeclaredMethods");

  /** Every class of this package that Jackson binds, found by walking from the manifests. */
  static Set<String> boundTypes() {
    Set<String> found = new TreeSet<>();
    Deque<Type> todo = new ArrayDeque<>();
    todo.add(PodManifest.class);
    todo.add(ImageManifest.class);
    while (!todo.isEmpty()) {
      Type t = todo.pop();
      if (t instanceof ParameterizedType p) {
        todo.add(p.getRawType());
        todo.addAll(java.util.List.of(p.getActualTypeArguments()));
        continue;
      }
      if (!(t instanceof Class<?> c) || !c.getPackageName().equals(AppcJson.class.getPackageName())
          || !found.add(c.getName())) {
        continue;
      }
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          todo.add(rc.getGenericType());
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        if (m.isAnnotationPresent(JsonCreator.class)) {
          todo.addAll(java.util.List.of(m.getGenericParameterTypes()));
        }
      }
    }
    return found;
  }

  static Map<String, JsonNode> registered() throws Exception {
    Map<String, JsonNode> byName = new TreeMap<>();
    try (InputStream in = ReflectionMetadataTest.class.getResourceAsStream(RESOURCE)) {
      assertTrue(in != null, RESOURCE + " is on the class path");
      for (JsonNode entry : AppcJson.mapper().readTree(in)) {
        byName.put(entry.get("name").asText(), entry);
      }
    }
    return byName;
  }

  @Test
  void everyBoundTypeIsRegisteredWithFullAccess() throws Exception {
    Map<String, JsonNode> registered = registered();
    Set<String> bound = boundTypes();
    for (String name : bound) {
      JsonNode entry = registered.get(name);
      assertTrue(entry != null, name + " is bound by Jackson but missing from " + RESOURCE);
      for (String access : ACCESS) {
        assertTrue(entry.path(access).asBoolean(false), name + " needs \"" + access + "\": true");
      }
    }
    Set<String> ours = new java.util.TreeSet<>(registered.keySet());
    ours.removeIf(n -> !n.startsWith("io.stage1xen.")); // entries for libraries (picocli's converters) are not ours
    assertEquals(bound, ours, "no stale entries either");
  }

  @Test
  void theWalkSeesTheTypesThatMatter() {
    Set<String> bound = boundTypes();
    for (Class<?> c : new Class<?>[] {PodManifest.class, RuntimeApp.class, App.class, Volume.class, VolumeKind.class,
        Isolators.class, Isolator.class, AcName.class, Labels.class, Label.class, Mount.class, PodPort.class,
        Port.class, Dependency.class, EnvironmentVariable.class, EventHandler.class, MountPoint.class}) {
      assertTrue(bound.contains(c.getName()), c.getName());
    }
    for (String name : bound) {
      try {
        Class<?> c = Class.forName(name);
        assertTrue(c.isRecord() || c.isEnum() || c.isInterface(), name + " is a record, an enum or an interface");
        assertTrue(Modifier.isPublic(c.getModifiers()), name + " is public");
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** Prints the metadata file's content for the current model (run it after adding a bound type). */
  public static void main(String[] args) {
    StringBuilder sb = new StringBuilder("[\n");
    var it = boundTypes().iterator();
    while (it.hasNext()) {
      sb.append("  {\"name\": \"").append(it.next()).append("\", \"allDeclaredFields\": true, ")
          .append("\"allDeclaredConstructors\": true, \"allPublicMethods\": true, \"allDeclaredMethods\": true}")
          .append(it.hasNext() ? ",\n" : "\n");
    }
    System.out.print(sb.append("]\n"));
  }
}
