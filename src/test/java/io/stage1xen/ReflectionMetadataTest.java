package io.stage1xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import io.stage1xen.appc.AcName;
import io.stage1xen.appc.App;
import io.stage1xen.appc.Dependency;
import io.stage1xen.appc.EnvironmentVariable;
import io.stage1xen.appc.EventHandler;
import io.stage1xen.appc.ImageManifest;
import io.stage1xen.appc.Isolator;
import io.stage1xen.appc.Isolators;
import io.stage1xen.appc.Label;
import io.stage1xen.appc.Labels;
import io.stage1xen.appc.Mount;
import io.stage1xen.appc.MountPoint;
import io.stage1xen.appc.PodManifest;
import io.stage1xen.appc.PodPort;
import io.stage1xen.appc.Port;
import io.stage1xen.appc.RuntimeApp;
import io.stage1xen.appc.Volume;
import io.stage1xen.appc.VolumeKind;
import io.stage1xen.inet.InterfaceName;
import io.stage1xen.inet.Ipv4Net;
import io.stage1xen.json.Json;
import io.stage1xen.network.CniConfig;
import io.stage1xen.network.CniIpam;
import io.stage1xen.network.CniResult;
import io.stage1xen.network.Dns;
import io.stage1xen.network.NetInfo;
import io.stage1xen.network.NetworkSelection;
import io.stage1xen.network.NetworkState;
import io.stage1xen.xen.XlListJson;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A native image only lets Jackson reflect on classes listed in the committed reachability metadata. This walks the
 * types data binding reaches from every record {@link Json} reads or writes (record components, creator parameters,
 * type arguments) and fails when one of them is missing there, or registered without the access Jackson needs.
 */
class ReflectionMetadataTest {
  static final String RESOURCE = "/META-INF/native-image/io.stage1xen/stage1-xen/reflect-config.json";
  private static final Path MAIN = Path.of("src/main/java/io/stage1xen");
  private static final Set<String> ACCESS =
      Set.of("allDeclaredFields", "allDeclaredConstructors", "allPublicMethods", "allDeclaredMethods");
  /** What is written without being read (read ones are found in the sources too). */
  private static final List<Class<?>> ROOTS = List.of(PodManifest.class, ImageManifest.class, CniConfig.class,
      CniResult.class, CniIpam.CniError.class, NetworkState.StateFile.class, NetworkSelection.Named.class,
      NetInfo.Entry.class, XlListJson.Domain.class);
  private static final Pattern READ = Pattern.compile("Json\\.read(List)?\\([^;]*?([A-Z][\\w.]*)(\\[])?\\.class\\)");

  /** Every class of the project that Jackson binds, found by walking from the roots. */
  static Set<String> boundTypes() {
    Set<String> found = new TreeSet<>();
    Deque<Type> todo = new ArrayDeque<>(ROOTS);
    while (!todo.isEmpty()) {
      Type t = todo.pop();
      if (t instanceof ParameterizedType p) {
        todo.add(p.getRawType());
        todo.addAll(java.util.List.of(p.getActualTypeArguments()));
        continue;
      }
      if (t instanceof Class<?> array && array.isArray()) {
        todo.add(array.getComponentType());
        continue;
      }
      if (!(t instanceof Class<?> c) || !c.getPackageName().startsWith("io.stage1xen.")
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
      for (JsonNode entry : Json.mapper().readTree(in)) {
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

  /** A reader added without its metadata would only fail in the native image: every Json.read and readList of a record is a root. */
  @Test
  void everyRecordTheSourcesReadIsARoot() throws IOException {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String text = Files.readString(f);
        String pkg = "io.stage1xen." + MAIN.relativize(f).getName(0);
        String outer = f.getFileName().toString().replace(".java", "");
        Matcher m = READ.matcher(text);
        while (m.find()) {
          String name = m.group(2);
          String nested = pkg + "." + outer + "$" + name.replace('.', '$');
          String top = pkg + "." + name.replace('.', '$');
          if (ROOTS.stream().noneMatch(r -> r.getName().equals(nested) || r.getName().equals(top))) {
            missing.add(f + " reads " + name);
          }
        }
      }
    }
    assertTrue(missing.isEmpty(), "add these to ROOTS and to " + RESOURCE + ": " + missing);
  }

  @Test
  void theWalkSeesTheTypesThatMatter() {
    Set<String> bound = boundTypes();
    for (Class<?> c : new Class<?>[] {PodManifest.class, RuntimeApp.class, App.class, Volume.class, VolumeKind.class,
        Isolators.class, Isolator.class, AcName.class, Labels.class, Label.class, Mount.class, PodPort.class,
        Port.class, Dependency.class, EnvironmentVariable.class, EventHandler.class, MountPoint.class,
        CniResult.Ip4.class, CniResult.CniRoute.class, Dns.class, Ipv4Net.class, InterfaceName.class,
        NetworkState.Call.class, XlListJson.CreateInfo.class}) {
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
