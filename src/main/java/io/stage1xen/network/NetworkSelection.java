package io.stage1xen.network;

import io.stage1xen.json.Json;
import io.stage1xen.json.JsonException;
import io.stage1xen.json.ValueException;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.NetList;
import io.stage1xen.pod.NetworkRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which networks a pod joins, by rkt's rules: {@code <local-config>/net.d/*.conf} in file-name order, those named by
 * {@code --net} (all of them with {@code all}); a file whose network name was already seen is ignored; then, unless
 * {@code default} or {@code default-restricted} was loaded from there, the built-in {@code default} (when asked for
 * by name or with {@code all}) or else {@code default-restricted}, so that the host can always reach the pod. A
 * name that matches nothing is an error. {@code none} joins nothing; {@code host} is refused by the caller.
 */
public final class NetworkSelection {
  private static final Logger LOG = LoggerFactory.getLogger(NetworkSelection.class);
  public static final String NET_D = "net.d";

  private NetworkSelection() {}

  public static List<SelectedNetwork> select(NetList list, Path localConfig) throws IOException {
    if (list.isNone()) {
      return List.of();
    }
    boolean all = list.contains("all");
    Path dir = localConfig.resolve(NET_D);
    List<SelectedNetwork> out = new ArrayList<>();
    Set<String> loaded = new LinkedHashSet<>();
    for (Path file : confFiles(dir)) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      String name = nameOf(text, file.toString());
      if (!(all || list.contains(name))) {
        continue;
      }
      if (!loaded.add(name)) {
        LOG.info("network {} is already defined; ignoring {}", name, file);
        continue;
      }
      if (name.equals(BuiltinNetworks.DEFAULT) || name.equals(BuiltinNetworks.RESTRICTED)) {
        LOG.debug("{} overrides the built-in network {}", file, name);
      }
      NetworkConfig config = NetworkConfig.parse(text, file.toString());
      out.add(new SelectedNetwork(config, argsOf(list, name), text));
    }
    if (!loaded.contains(BuiltinNetworks.DEFAULT) && !loaded.contains(BuiltinNetworks.RESTRICTED)) {
      String builtin = all || list.contains(BuiltinNetworks.DEFAULT) ? BuiltinNetworks.DEFAULT
          : BuiltinNetworks.RESTRICTED;
      loaded.add(builtin);
      out.add(new SelectedNetwork(BuiltinNetworks.config(builtin), argsOf(list, builtin),
          BuiltinNetworks.text(builtin)));
    }
    List<String> missing = new ArrayList<>();
    for (NetworkRequest r : list.networks()) {
      if (!r.name().equals("all") && !loaded.contains(r.name())) {
        missing.add(r.name());
      }
    }
    if (!missing.isEmpty()) {
      throw new Stage1Failure("--net=" + list.raw() + ": no network named " + String.join(", ", missing)
          + " in " + dir + " (nor built in: default, default-restricted)");
    }
    for (SelectedNetwork n : out) {
      LOG.debug("network {} (type {}, from {}){}", n.name(), n.config().type(), n.config().source(),
          n.args().isEmpty() ? "" : " with CNI_ARGS " + n.args());
    }
    return out;
  }

  private static String argsOf(NetList list, String name) {
    return list.networks().stream().filter(r -> r.name().equals(name)).findFirst()
        .flatMap(NetworkRequest::args).orElse("");
  }

  private static List<Path> confFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".conf") && Files.isRegularFile(p))
          .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  /** A configuration file read for its name only. */
  public record Named(String name) {
    public Named {
      if (name == null || name.isEmpty()) {
        throw ValueException.withoutValue("name", "every network configuration needs a \"name\" string");
      }
    }
  }

  /** Only the name: files of networks nobody asked for are not checked further (rkt reads them the same way). */
  private static String nameOf(String text, String source) {
    try {
      return Json.read(text, source, Named.class).name();
    } catch (JsonException e) {
      throw new Stage1Failure(e.getMessage(), e);
    }
  }
}
