package io.stage1xen.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The dom0 commands for each kind of network, against golden files (src/test/resources/network/). */
class HostCommandsTest {
  static final String UUID = "0b4bd4a5-0e92-4c35-9b1e-3a4f4d4c6a11";

  static Attachment attachment(int index, String json, String address, String gateway) {
    NetworkConfig c = NetworkConfig.parse(json, "t.conf");
    IpamResult r = new IpamResult(Ipv4Net.parse(address, "t"),
        Optional.ofNullable(gateway).map(g -> Ipv4.parse(g, "t")),
        List.of(Route.onLink(Ipv4Net.parse("0.0.0.0/0", "t"))), Optional.empty());
    CniCall call = new CniCall("/s1/host-local", UUID, "xen-domain:rkt-" + UUID, "eth" + index, "", c.ipamInput());
    return new Attachment(index, new SelectedNetwork(c, "", json), PodNetwork.mac(UUID, index), call, r);
  }

  static final String DEFAULT = "{\"name\":\"default\",\"type\":\"ptp\",\"ipMasq\":true,"
      + "\"ipam\":{\"type\":\"host-local\","
      + "\"subnet\":\"172.16.28.0/24\"}}";
  static final String BRIDGE = "{\"name\":\"lan\",\"type\":\"bridge\",\"bridge\":\"s1xbr0\",\"isGateway\":true,"
      + "\"mtu\":1400,\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.9.0.0/16\"}}";

  static String lines(List<List<String>> commands) {
    StringBuilder sb = new StringBuilder();
    commands.forEach(c -> sb.append(String.join(" ", c)).append('\n'));
    return sb.toString();
  }

  static void golden(String name, String actual) throws IOException {
    Path file = Path.of("src/test/resources/network", name);
    if (Boolean.getBoolean("stage1xen.regenerate")) {
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "golden file " + file);
  }

  @Test
  void chainsAreNamedAfterThePodAndFitIptablesNameLimit() {
    String chain = HostCommands.chain("MASQ", UUID);
    assertTrue(chain.matches("S1X-MASQ-[0-9a-f]{16}") && chain.length() <= 28, chain);
    assertTrue(!chain.equals(HostCommands.chain("MASQ", "1b4bd4a5-0e92-4c35-9b1e-3a4f4d4c6a11")));
  }

  @Test
  void ptpWithNatAndForwardedPorts() throws IOException {
    Attachment def = attachment(0, DEFAULT, "172.16.28.5/24", "172.16.28.1");
    Attachment lan = attachment(1, BRIDGE, "10.9.0.7/16", "10.9.0.1");
    List<PortForward> fwd = List.of(new PortForward("http", "tcp", 8080, Optional.empty(), 80),
        new PortForward("dns", "udp", 5353, Optional.of(Ipv4.parse("192.168.1.10", "t")), 53));
    List<List<String>> all = new ArrayList<>(HostCommands.setUp(UUID, List.of(def, lan), fwd));
    all.add(List.of("#", "vifs"));
    all.addAll(HostCommands.vif("vif7.0", def, true));
    all.addAll(HostCommands.vif("vif7.1", lan, false));
    all.add(List.of("#", "teardown"));
    all.addAll(HostCommands.masqJumps(UUID, List.of(def.podAddress())));
    all.addAll(HostCommands.tearDown(UUID, true, true));
    golden("host-commands-ptp-bridge.txt", lines(all));
  }

  @Test
  void forwardedPortsGoToTheFirstMasqueradedNetworkElseTheLast() {
    Attachment restricted = attachment(0, DEFAULT.replace("\"ipMasq\":true", "\"ipMasq\":false"), "172.17.0.2/16",
        null);
    Attachment lan = attachment(1, BRIDGE, "10.9.0.7/16", "10.9.0.1");
    assertEquals(lan, HostCommands.forwardNetwork(List.of(restricted, lan)));
    Attachment def = attachment(1, DEFAULT, "172.16.28.5/24", "172.16.28.1");
    assertEquals(def, HostCommands.forwardNetwork(List.of(restricted, def, lan)));
  }

  @Test
  void noNetworkNoCommand() {
    assertEquals(List.of(), HostCommands.setUp(UUID, List.of(), List.of()));
  }
}
