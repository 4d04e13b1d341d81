package io.stage1xen.network;

import io.stage1xen.appc.AppcJson;
import io.stage1xen.appc.InvalidManifestException;
import io.stage1xen.pod.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a pod holds on the host, written to {@code <pod>/xen/network.json} before it is acquired: the IPAM calls
 * (ADD's exact arguments, which DEL repeats) and the commands that remove the pod's iptables rules. The supervisor
 * releases from it when the domain is gone; gc releases from it after a crash or SIGKILL, then deletes it, so a
 * second gc finds nothing to do.
 */
public record NetworkState(String pod, List<CniCall> ipam, List<String> networks, List<List<String>> undo) {
  public static final String FILE = "network.json";

  public NetworkState {
    ipam = List.copyOf(ipam);
    networks = List.copyOf(networks);
    undo = undo.stream().map(List::copyOf).toList();
    if (ipam.size() != networks.size()) {
      throw new IllegalArgumentException("network state: one network name per IPAM call");
    }
  }

  public NetworkState withUndo(List<List<String>> commands) {
    return new NetworkState(pod, ipam, networks, commands);
  }

  /** Written atomically: a crash leaves the previous state or the new one, never half a file. */
  public void write(Path file) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("pod", pod);
    List<Object> calls = new ArrayList<>();
    for (int i = 0; i < ipam.size(); i++) {
      CniCall c = ipam.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("network", networks.get(i));
      m.put("plugin", portable(c.plugin(), podOf(file)));
      m.put("containerId", c.containerId());
      m.put("netns", c.netns());
      m.put("ifName", c.ifName());
      m.put("args", c.args());
      m.put("input", c.input());
      calls.add(m);
    }
    root.put("ipam", calls);
    root.put("undo", undo);
    Files.createDirectories(file.getParent());
    AtomicFile.replace(file, AppcJson.writePlain(root) + "\n", StandardCharsets.UTF_8);
  }

  public static Optional<NetworkState> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try {
      if (!(AppcJson.readPlain(text, file.toString()) instanceof Map<?, ?> root)) {
        throw new IOException(file + ": not a JSON object");
      }
      List<CniCall> calls = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (Object o : list(root.get("ipam"), file + ": ipam")) {
        Map<?, ?> m = (Map<?, ?>) o;
        calls.add(new CniCall(podOf(file).resolve(str(m, "plugin", file)).toString(), str(m, "containerId", file),
            str(m, "netns", file),
            str(m, "ifName", file), str(m, "args", file), str(m, "input", file)));
        names.add(str(m, "network", file));
      }
      List<List<String>> undo = new ArrayList<>();
      for (Object o : list(root.get("undo"), file + ": undo")) {
        List<String> argv = new ArrayList<>();
        for (Object a : list(o, file + ": undo")) {
          argv.add((String) a);
        }
        undo.add(argv);
      }
      return Optional.of(new NetworkState(str(root, "pod", file), calls, names, undo));
    } catch (InvalidManifestException | ClassCastException e) {
      throw new IOException(file + ": unreadable network state: " + e.getMessage());
    }
  }

  /** The pod directory of a state file ({@code <pod>/xen/network.json}). */
  private static Path podOf(Path file) {
    return file.toAbsolutePath().getParent().getParent();
  }

  /**
   * The bundled plugin lives in the pod's stage1 tree, and rkt moves the pod directory (run, then exited-garbage)
   * before gc: a plugin inside the pod is recorded relative to it, anything else as it is.
   */
  private static String portable(String plugin, Path pod) {
    Path p = Path.of(plugin);
    return p.startsWith(pod) ? pod.relativize(p).toString() : plugin;
  }

  private static List<?> list(Object o, String what) throws IOException {
    if (!(o instanceof List<?> l)) {
      throw new IOException(what + ": expected a list");
    }
    return l;
  }

  private static String str(Map<?, ?> m, String key, Path file) throws IOException {
    if (!(m.get(key) instanceof String s)) {
      throw new IOException(file + ": " + key + ": expected a string");
    }
    return s;
  }
}
