package io.stage1xen.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.inet.Ipv4;
import io.stage1xen.inet.Ipv4Net;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
      + "\"mtu\":1400,\"dns\":{\"nameservers\":[\"10.9.0.1\",\"fd00::1\"]},"
      + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.9.0.0/16\"}}";
  static final List<PortForward> PORTS = List.of(new PortForward("http", "tcp", 8080, Optional.empty(), 80),
      new PortForward("dns", "udp", 5353, Optional.of(Ipv4.parse("192.168.1.10", "t")), 53));

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

  /** The pod's networks and ports of each golden file. */
  static Stream<Arguments> scenarios() {
    Attachment ptp = attachment(0, DEFAULT, "172.16.28.5/24", "172.16.28.1");
    Attachment bridge = attachment(0, BRIDGE.replace("\"isGateway\":true,", ""), "10.9.0.7/16", "10.9.0.1");
    Attachment second = attachment(1, BRIDGE, "10.9.0.7/16", "10.9.0.1");
    return Stream.of(
        Arguments.of("ptp", List.of(ptp), List.of()),
        Arguments.of("ptp-ports", List.of(ptp), PORTS),
        Arguments.of("bridge", List.of(bridge), List.of()),
        Arguments.of("bridge-ports", List.of(bridge), PORTS),
        Arguments.of("ptp-bridge", List.of(ptp, second), PORTS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void commandsOfEachKindOfNetwork(String name, List<Attachment> attachments, List<PortForward> ports)
      throws IOException {
    List<List<String>> all = new ArrayList<>(HostCommands.setUp(UUID, attachments, ports));
    all.add(List.of("#", "vifs (the domain is paused)"));
    for (Attachment a : attachments) {
      all.addAll(HostCommands.vif("vif7." + a.index(), a));
    }
    all.add(List.of("#", "teardown"));
    all.addAll(HostCommands.tearDown(UUID, attachments, ports));
    golden("host-commands-" + name + ".txt", lines(all));
  }

  /**
   * CVE-2020-8558: route_localnet on the pod's device (or a bridge) lets the pod reach dom0's 127.0.0.1. No command
   * may set it, and forwarded ports never apply to loopback destinations.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void nothingOpensDom0sLoopback(String name, List<Attachment> attachments, List<PortForward> ports) {
    List<List<String>> all = new ArrayList<>(HostCommands.setUp(UUID, attachments, ports));
    attachments.forEach(a -> all.addAll(HostCommands.vif("vif7." + a.index(), a)));
    assertFalse(all.stream().anyMatch(c -> String.join(" ", c).contains("route_localnet")), lines(all));
    String dnat = HostCommands.chain("DNAT", UUID);
    List<String> jumps = all.stream().filter(c -> c.get(c.size() - 2).equals("-j") && c.get(c.size() - 1).equals(dnat))
        .map(c -> String.join(" ", c)).toList();
    assertEquals(ports.isEmpty() ? 0 : 2, jumps.size(), jumps.toString());
    assertTrue(jumps.stream().allMatch(j -> j.contains("--dst-type LOCAL ! -d 127.0.0.0/8")), jumps.toString());
  }

  /**
   * Each vif is bound to the pod's MAC and address before anything else is done to it, and the filter ends by
   * dropping whatever was not let through.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void everyVifIsFilteredFirstAndTheFilterEndsInADrop(String name, List<Attachment> attachments,
      List<PortForward> ports) {
    for (Attachment a : attachments) {
      List<String> cmds = HostCommands.vif("vif7." + a.index(), a).stream().map(c -> String.join(" ", c)).toList();
      String dev = "dev vif7." + a.index();
      assertEquals("tc qdisc add " + dev + " ingress", cmds.get(0));
      assertTrue(cmds.get(2).endsWith("protocol ip flower src_mac " + a.mac() + " src_ip " + a.podAddress()
          + " action pass"), cmds.get(2));
      assertTrue(cmds.get(3).endsWith("protocol arp flower src_mac " + a.mac() + " arp_sha " + a.mac() + " arp_sip "
          + a.podAddress() + " action pass"), cmds.get(3));
      assertEquals("tc filter add " + dev + " parent ffff: prio 4 protocol all flower action drop", cmds.get(4));
      assertTrue(cmds.subList(0, 5).stream().allMatch(c -> c.startsWith("tc ")), cmds.toString());
      assertFalse(cmds.subList(5, cmds.size()).stream().anyMatch(c -> c.startsWith("tc ")), cmds.toString());
    }
  }

  /**
   * Add/remove symmetry: every jump setUp adds to a built-in chain is deleted by tearDown with the same table, chain
   * and rule, every chain it makes is flushed and deleted after the jumps into it are gone, and tearDown does
   * nothing else.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void tearDownRemovesExactlyWhatSetUpAdded(String name, List<Attachment> attachments, List<PortForward> ports) {
    Set<String> jumps = new HashSet<>();
    List<String> chains = new ArrayList<>();
    for (List<String> c : HostCommands.setUp(UUID, attachments, ports)) {
      if (!c.get(0).equals("iptables")) {
        continue;
      }
      String table = c.get(3);
      String op = c.get(4);
      String chain = c.get(5);
      if (op.equals("-N")) {
        chains.add(table + " " + chain);
      } else if (chain.equals(chain.toUpperCase()) && !chain.startsWith("S1X-")) {
        List<String> rule = new ArrayList<>(c.subList(6, c.size()));
        if (op.equals("-I")) {
          rule.remove(0); // the position
        }
        assertTrue(rule.contains("s1x:" + UUID), "a jump is tagged with the pod: " + c);
        jumps.add(table + " " + chain + " " + String.join(" ", rule));
      } else {
        assertTrue(chains.contains(table + " " + chain), "a rule only in the pod's own chains: " + c);
      }
    }
    Set<String> deleted = new HashSet<>();
    List<String> removed = new ArrayList<>();
    for (List<String> c : HostCommands.tearDown(UUID, attachments, ports)) {
      String table = c.get(3);
      String op = c.get(4);
      String chain = c.get(5);
      switch (op) {
        case "-D" -> {
          assertTrue(removed.isEmpty(), "jumps go before any chain: " + c);
          deleted.add(table + " " + chain + " " + String.join(" ", c.subList(6, c.size())));
        }
        case "-F" -> removed.add(table + " " + chain);
        case "-X" -> assertEquals(table + " " + chain, removed.get(removed.size() - 1), "flushed, then deleted");
        default -> throw new AssertionError("tearDown does only -D, -F and -X: " + c);
      }
    }
    assertEquals(jumps, deleted);
    assertEquals(chains, removed);
  }

  @Test
  void theGuardLetsAnswersAndTheNetworksNameserversThroughAndDropsTheRest() {
    Attachment lan = attachment(0, BRIDGE, "10.9.0.7/16", "10.9.0.1");
    String guard = HostCommands.chain("HOST", UUID);
    List<String> rules = HostCommands.setUp(UUID, List.of(lan), List.of()).stream()
        .map(c -> String.join(" ", c)).filter(c -> c.startsWith("iptables -w -t filter -A " + guard))
        .map(c -> c.substring(("iptables -w -t filter -A " + guard + " ").length())).toList();
    assertEquals(List.of("-d 127.0.0.0/8 -j DROP", "-m conntrack --ctstate ESTABLISHED,RELATED -j RETURN",
        "-p udp -d 10.9.0.1/32 --dport 53 -j RETURN", "-p tcp -d 10.9.0.1/32 --dport 53 -j RETURN", "-j DROP"),
        rules);
    assertTrue(HostCommands.setUp(UUID, List.of(lan), List.of()).contains(List.of("iptables", "-w", "-t", "filter",
        "-I", "INPUT", "1", "-s", "10.9.0.7/32", "-m", "comment", "--comment", "s1x:" + UUID, "-j", guard)));
  }

  /**
   * Another pod of the same bridge reaching a forwarded port through the gateway is DNATed back onto the bridge; its
   * connection is masqueraded so that the answer comes back through dom0 (measured on Xen: without it the other pod
   * gets nothing). Only connections DNATed to this pod from its bridge's subnet; nothing on ptp, where every packet
   * passes dom0 anyway.
   */
  @Test
  void aBridgesHairpinConnectionsToAForwardedPortAreMasqueradedAndPtpHasNone() {
    Attachment lan = attachment(0, BRIDGE, "10.9.0.7/16", "10.9.0.1");
    String hair = HostCommands.chain("HAIR", UUID);
    List<String> cmds = HostCommands.setUp(UUID, List.of(lan), PORTS).stream().map(c -> String.join(" ", c))
        .filter(c -> c.contains(hair)).toList();
    assertEquals(List.of("iptables -w -t nat -N " + hair,
        "iptables -w -t nat -A " + hair + " -s 10.9.0.0/16 -j MASQUERADE",
        "iptables -w -t nat -A POSTROUTING -d 10.9.0.7/32 -m conntrack --ctstate DNAT -m comment --comment s1x:" + UUID
            + " -j " + hair), cmds);
    assertTrue(HostCommands.setUp(UUID, List.of(lan), List.of()).stream().noneMatch(c -> c.contains(hair)));
    Attachment ptp = attachment(0, DEFAULT, "172.16.28.5/24", "172.16.28.1");
    assertTrue(HostCommands.setUp(UUID, List.of(ptp), PORTS).stream().noneMatch(c -> c.contains(hair)));
  }

  @Test
  void chainsAreNamedAfterThePodAndFitIptablesNameLimit() {
    for (String kind : List.of("MASQ", "DNAT", "HAIR", "HOST")) {
      String chain = HostCommands.chain(kind, UUID);
      assertTrue(chain.matches("S1X-" + kind + "-[0-9a-f]{16}") && chain.length() <= 28, chain);
    }
    assertTrue(!HostCommands.chain("MASQ", UUID).equals(HostCommands.chain("MASQ",
        "1b4bd4a5-0e92-4c35-9b1e-3a4f4d4c6a11")));
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
    assertEquals(List.of(), HostCommands.tearDown(UUID, List.of(), List.of()));
  }
}
