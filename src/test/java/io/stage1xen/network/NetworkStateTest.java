package io.stage1xen.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code <pod>/xen/network.json}: the file gc releases from, written by one version and read by the next. */
class NetworkStateTest {
  static final String UUID = "0b4bd4a5-0e92-4c35-9b1e-3a4f4d4c6a11";

  @TempDir
  Path tmp;

  private NetworkState state(Path pod) {
    CniCall call = new CniCall(pod.resolve("stage1/rootfs/stage1-xen/cni/host-local").toString(), UUID,
        "xen-domain:rkt-" + UUID, "eth0", "IP=10.1.0.9", "{\"cniVersion\":\"0.4.0\",\"name\":\"default\"}");
    return new NetworkState(UUID, List.of(call), List.of("default"),
        List.of(List.of("iptables", "-w", "-t", "nat", "-X", "S1X-MASQ-x")));
  }

  @Test
  void theFileKeepsItsLayoutAndThePluginMovesWithThePod() throws IOException {
    Path run = tmp.resolve("run/" + UUID);
    Path file = run.resolve("xen/network.json");
    state(run).write(file);
    assertEquals("{\"pod\":\"" + UUID + "\",\"ipam\":[{\"network\":\"default\",\"plugin\":"
        + "\"stage1/rootfs/stage1-xen/cni/host-local\",\"containerId\":\"" + UUID + "\",\"netns\":\"xen-domain:rkt-"
        + UUID + "\",\"ifName\":\"eth0\",\"args\":\"IP=10.1.0.9\",\"input\":"
        + "\"{\\\"cniVersion\\\":\\\"0.4.0\\\",\\\"name\\\":\\\"default\\\"}\"}],"
        + "\"undo\":[[\"iptables\",\"-w\",\"-t\",\"nat\",\"-X\",\"S1X-MASQ-x\"]]}\n", Files.readString(file));
    // rkt moves the pod directory to exited-garbage before gc
    Path garbage = Files.createDirectories(tmp.resolve("exited-garbage"));
    Files.move(run, garbage.resolve(UUID));
    Path moved = garbage.resolve(UUID);
    assertEquals(Optional.of(state(moved)), NetworkState.read(moved.resolve("xen/network.json")));
  }

  @Test
  void noFileIsNothingToRelease() throws IOException {
    assertEquals(Optional.empty(), NetworkState.read(tmp.resolve("xen/network.json")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"pod\":\"../../x\",\"ipam\":[],\"undo\":[]} | pod (line 1, column 8): invalid pod UUID (lower-case 8-4-4-4-12 hex): \"../../x\"",
      "{\"pod\":\"" + UUID + "\",\"ipam\":[{\"network\":\"n\",\"plugin\":\"p\",\"containerId\":\"" + UUID + "\",\"netns\":\"x\",\"ifName\":\"eth0;x\",\"args\":\"\",\"input\":\"{}\"}],\"undo\":[]} | ipam[0].ifName (line 1, column 157): is not a Linux interface name (1 to 15 of A-Z a-z 0-9 _ . -): \"eth0;x\"",
      "{\"pod\":\"" + UUID + "\",\"ipam\":[{\"network\":\"n\",\"containerId\":\"" + UUID + "\",\"netns\":\"x\",\"ifName\":\"eth0\",\"args\":\"\",\"input\":\"{}\"}],\"undo\":[]} | ipam[0].plugin (line 1, column 55): is required (a string)",
      "{\"pod\":\"" + UUID + "\",\"ipam\":[],\"undo\":[[\"iptables\",7]]} | undo[0][1] (line 1, column 77): expected a string, found a number: 7",
      "{\"pod\":\"" + UUID + "\",\"ipam\":[],\"undo\":[[]]} | undo[0] (line 1, column 65): expected a command (a non-empty list of strings)",
      "{\"pod\":\"" + UUID + "\",\"ipam\": | $ (line 1, column 54): invalid JSON: Unexpected end-of-input within/between Object entries"})
  void aDamagedFileIsOneLineNamingTheFileTheFieldAndTheValue(String json, String detail) throws IOException {
    Path file = Files.createDirectories(tmp.resolve("pod/xen")).resolve("network.json");
    Files.writeString(file, json);
    IOException e = assertThrows(IOException.class, () -> NetworkState.read(file));
    assertEquals("unreadable network state: " + file + ": " + detail, e.getMessage());
  }
}
