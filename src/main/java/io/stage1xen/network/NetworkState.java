package io.stage1xen.network;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.inet.InterfaceName;
import io.stage1xen.json.Json;
import io.stage1xen.json.JsonException;
import io.stage1xen.json.ValueException;
import io.stage1xen.pod.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a pod holds on the host, written to {@code <pod>/xen/network.json} before it is acquired: the IPAM calls
 * (ADD's exact arguments, which DEL repeats) and the commands that remove the pod's iptables rules. The supervisor
 * releases from it when the domain is gone; gc releases from it after a crash or SIGKILL, then deletes it, so a
 * second gc finds nothing to do.
 */
public record NetworkState(String pod, List<CniCall> ipam, List<String> networks, List<List<String>> undo) {
  public static final String FILE = "network.json";
  /** The file is written by stage1-xen and small; anything bigger is not one. */
  private static final long MAX_FILE_BYTES = 1L << 20;

  public NetworkState {
    ipam = List.copyOf(ipam);
    networks = List.copyOf(networks);
    undo = undo.stream().map(List::copyOf).toList();
    if (ipam.size() != networks.size()) {
      throw new IllegalArgumentException("network state: one network name per IPAM call");
    }
  }

  /** The file as JSON: the pod, one entry per IPAM call, the undo commands (argv lists). */
  public record StateFile(PodUuid pod, List<Call> ipam, List<List<String>> undo) {
    public StateFile {
      if (pod == null) {
        throw ValueException.withoutValue("pod", "is required");
      }
      ipam = ipam == null ? List.of() : List.copyOf(ipam);
      undo = undo == null ? List.of() : undo;
      for (int i = 0; i < undo.size(); i++) {
        List<String> argv = undo.get(i);
        if (argv == null || argv.isEmpty() || argv.stream().anyMatch(Objects::isNull)) {
          throw ValueException.withoutValue("undo[" + i + "]", "expected a command (a non-empty list of strings)");
        }
      }
      undo = undo.stream().map(List::copyOf).toList();
    }
  }

  /**
   * One IPAM call of the file; {@code plugin} is relative to the pod directory when the plugin is inside it.
   */
  public record Call(String network, String plugin, PodUuid containerId, String netns, InterfaceName ifName,
      String args, String input) {
    public Call {
      required("network", network);
      required("plugin", plugin);
      if (containerId == null) {
        throw ValueException.withoutValue("containerId", "is required");
      }
      required("netns", netns);
      if (ifName == null) {
        throw ValueException.withoutValue("ifName", "is required");
      }
      required("args", args);
      required("input", input);
    }

    private static void required(String field, String value) {
      if (value == null) {
        throw ValueException.withoutValue(field, "is required (a string)");
      }
    }
  }

  public NetworkState withUndo(List<List<String>> commands) {
    return new NetworkState(pod, ipam, networks, commands);
  }

  /** Written atomically: a crash leaves the previous state or the new one, never half a file. */
  public void write(Path file) throws IOException {
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < ipam.size(); i++) {
      CniCall c = ipam.get(i);
      calls.add(new Call(networks.get(i), portable(c.plugin(), podOf(file)), PodUuid.of(c.containerId()), c.netns(),
          new InterfaceName(c.ifName()), c.args(), c.input()));
    }
    Files.createDirectories(file.getParent());
    AtomicFile.replace(file, Json.write(new StateFile(PodUuid.of(pod), calls, undo)) + "\n", StandardCharsets.UTF_8);
  }

  /** @throws IOException naming the file, the field and the value when the file is not a network state */
  public static Optional<NetworkState> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException(file + ": too large to be a network state (" + Files.size(file) + " bytes)");
    }
    StateFile state;
    try {
      state = Json.read(Files.readString(file, StandardCharsets.UTF_8), file.toString(), StateFile.class);
    } catch (JsonException e) {
      throw new IOException("unreadable network state: " + e.getMessage());
    }
    List<CniCall> calls = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Call c : state.ipam()) {
      calls.add(new CniCall(podOf(file).resolve(c.plugin()).toString(), c.containerId().toString(), c.netns(),
          c.ifName().toString(), c.args(), c.input()));
      names.add(c.network());
    }
    return Optional.of(new NetworkState(state.pod().toString(), calls, names, state.undo()));
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
}
