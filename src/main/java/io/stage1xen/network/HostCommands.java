package io.stage1xen.network;

import io.stage1xen.inet.Ipv4;
import io.stage1xen.inet.Ipv4Net;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The commands that configure dom0 for a pod's networks, as argv lists (never shell lines), built from values that
 * were all parsed and checked before. Tools: iproute2 {@code ip} and {@code tc}, procps {@code sysctl} and
 * {@code iptables} (the nf_tables or legacy backend alike).
 *
 * <p>The pod VM is hostile to dom0 (docs/SECURITY.md). Two kinds of rules keep it in its place:
 *
 * <ul>
 *   <li>Per vif, a tc ingress filter binds the interface to the pod's MAC and IPv4 address: only IPv4 from that pair
 *       and ARP that claims that pair enter dom0 (or the bridge); IPv6, other ether types and anything addressed to
 *       127.0.0.0/8 are dropped. The filter lives on the vif and goes with it, so nothing of it can outlive the pod.
 *   <li>iptables chains named after the pod ({@code S1X-<kind>-<h>}, h = the first 16 hex digits of sha256(uuid)):
 *       NAT, forwarded ports (with the masquerade of a bridge's hairpin connections), and the guard of dom0's own
 *       addresses. Each is entered only through jumps tagged with the pod's uuid, and {@link #tearDown} is built from the same description as {@link #setUp}, so that it
 *       removes exactly this pod's rules and nothing else.
 * </ul>
 *
 * <p>Nothing here sets {@code route_localnet}: with it, a pod could reach every service bound to dom0's 127.0.0.1
 * (CVE-2020-8558), so forwarded ports are not reachable through dom0's loopback either.
 */
public final class HostCommands {
  static final String IPTABLES = "iptables";
  static final String LOOPBACK = "127.0.0.0/8";
  /** The ingress qdisc's handle, where a vif's filter is attached. */
  private static final String INGRESS = "ffff:";

  private HostCommands() {}

  public static String chain(String kind, String podUuid) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(podUuid.getBytes(StandardCharsets.US_ASCII));
      return "S1X-" + kind + "-" + HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /** The network whose address forwarded ports reach: rkt's rule, the first with ipMasq, else the last. */
  public static Attachment forwardNetwork(List<Attachment> attachments) {
    return attachments.stream().filter(a -> a.config().ipMasq()).findFirst()
        .orElse(attachments.get(attachments.size() - 1));
  }

  /** Rules that need no vif: forwarding on, outbound NAT, port forwarding, the guard. Run before the domain exists. */
  public static List<List<String>> setUp(String uuid, List<Attachment> attachments, List<PortForward> forwards) {
    List<List<String>> out = new ArrayList<>();
    if (attachments.isEmpty()) {
      return out;
    }
    out.add(List.of("sysctl", "-q", "-w", "net/ipv4/ip_forward=1"));
    for (PodChain c : chains(uuid, attachments, forwards)) {
      out.add(iptables(c.table(), "-N", c.name()));
      for (List<String> rule : c.rules()) {
        out.add(iptables(c.table(), "-A", c.name(), rule));
      }
      for (Jump j : c.jumps()) {
        out.add(iptables(c.table(), j.first() ? List.of("-I", j.builtin(), "1") : List.of("-A", j.builtin()),
            j.spec(uuid, c.name())));
      }
    }
    return out;
  }

  /**
   * What undoes {@link #setUp}, from the same description: every jump is deleted, then every chain is flushed and
   * deleted. Each command may find its rule already gone.
   */
  public static List<List<String>> tearDown(String uuid, List<Attachment> attachments, List<PortForward> forwards) {
    List<List<String>> out = new ArrayList<>();
    if (attachments.isEmpty()) {
      return out;
    }
    List<PodChain> chains = chains(uuid, attachments, forwards);
    for (PodChain c : chains) {
      for (Jump j : c.jumps()) {
        out.add(iptables(c.table(), List.of("-D", j.builtin()), j.spec(uuid, c.name())));
      }
    }
    for (PodChain c : chains) {
      out.add(iptables(c.table(), "-F", c.name()));
      out.add(iptables(c.table(), "-X", c.name()));
    }
    return out;
  }

  /**
   * The host end of one interface once the domain exists (it is still paused: the guest cannot send yet). First the
   * vif's filter, then: ptp: the vif gets the gateway as a /32 and a /32 route to the pod (the same gateway address
   * may sit on many vifs, as CNI's ptp plugin does with veths). bridge: the vif joins the bridge, which is created
   * when missing and gets the gateway address when isGateway is set.
   */
  public static List<List<String>> vif(String vif, Attachment a) {
    List<List<String>> out = new ArrayList<>(vifFilter(vif, a));
    NetworkConfig c = a.config();
    String mtu = c.mtu().isPresent() ? Integer.toString(c.mtu().getAsInt()) : null;
    if (c.isPtp()) {
      if (mtu != null) {
        out.add(List.of("ip", "link", "set", "dev", vif, "mtu", mtu));
      }
      out.add(List.of("ip", "link", "set", "dev", vif, "up"));
      out.add(List.of("ip", "addr", "replace", Ipv4Net.host(a.gateway()).toString(), "dev", vif));
      out.add(List.of("ip", "route", "replace", Ipv4Net.host(a.podAddress()).toString(), "dev", vif,
          "scope", "link", "src", a.gateway().toString()));
    } else {
      String br = c.bridge().toString();
      out.add(List.of("ip", "link", "add", "name", br, "type", "bridge"));
      if (mtu != null) {
        out.add(List.of("ip", "link", "set", "dev", br, "mtu", mtu));
        out.add(List.of("ip", "link", "set", "dev", vif, "mtu", mtu));
      }
      out.add(List.of("ip", "link", "set", "dev", br, "up"));
      if (c.isGateway()) {
        out.add(List.of("ip", "addr", "replace", new Ipv4Net(a.gateway(), a.result().address().prefix()).toString(),
            "dev", br));
      }
      out.add(List.of("ip", "link", "set", "dev", vif, "master", br));
      out.add(List.of("ip", "link", "set", "dev", vif, "up"));
    }
    return out;
  }

  /**
   * The vif's anti-spoofing filter, at ingress: before routing, before the bridge, before netfilter, so it holds in
   * ptp and bridge mode alike. The filters are tried in priority order and the first match decides: IPv4 to
   * 127.0.0.0/8 is dropped (also from the right source: route_localnet set by anyone must not open dom0's loopback),
   * IPv4 from the pod's MAC and address passes, ARP passes when sender MAC and address are the pod's (no ARP spoofing
   * of other pods or of the gateway), and everything else is dropped: other sources, IPv6 (pods get no IPv6
   * address), VLAN tags, other ether types.
   */
  static List<List<String>> vifFilter(String vif, Attachment a) {
    String mac = a.mac().toString();
    String ip = a.podAddress().toString();
    return List.of(
        List.of("tc", "qdisc", "add", "dev", vif, "ingress"),
        filter(vif, 1, "ip", "dst_ip", LOOPBACK, "action", "drop"),
        filter(vif, 2, "ip", "src_mac", mac, "src_ip", ip, "action", "pass"),
        filter(vif, 3, "arp", "src_mac", mac, "arp_sha", mac, "arp_sip", ip, "action", "pass"),
        filter(vif, 4, "all", "action", "drop"));
  }

  /** Whether a failure of this command means "already so" (the bridge exists) rather than an error. */
  static boolean mayAlreadyExist(List<String> argv) {
    return argv.size() > 2 && argv.get(0).equals("ip") && argv.get(1).equals("link") && argv.get(2).equals("add");
  }

  /** One chain of the pod's, its rules, and the jumps that enter it from the built-in chains. */
  private record PodChain(String table, String name, List<List<String>> rules, List<Jump> jumps) {}

  /** A jump from a built-in chain: inserted first, or appended; tagged with the pod's uuid. */
  private record Jump(String builtin, boolean first, List<String> match) {
    List<String> spec(String uuid, String target) {
      List<String> spec = new ArrayList<>(match);
      spec.addAll(List.of("-m", "comment", "--comment", "s1x:" + uuid, "-j", target));
      return spec;
    }
  }

  /** Every chain of the pod, in the order they are made. */
  private static List<PodChain> chains(String uuid, List<Attachment> attachments, List<PortForward> forwards) {
    List<PodChain> out = new ArrayList<>();
    List<Attachment> masq = attachments.stream().filter(a -> a.config().ipMasq()).toList();
    if (!masq.isEmpty()) {
      List<List<String>> rules = new ArrayList<>();
      List<Jump> jumps = new ArrayList<>();
      for (Attachment a : masq) {
        String pod = Ipv4Net.host(a.podAddress()).toString();
        rules.add(List.of("-s", pod, "-d", a.result().address().network().toString(), "-j", "RETURN"));
        rules.add(List.of("-s", pod, "!", "-d", "224.0.0.0/4", "-j", "MASQUERADE"));
        jumps.add(new Jump("POSTROUTING", false, List.of("-s", pod)));
      }
      out.add(new PodChain("nat", chain("MASQ", uuid), rules, jumps));
    }
    if (!forwards.isEmpty()) {
      String pod = forwardNetwork(attachments).podAddress().toString();
      List<List<String>> rules = new ArrayList<>();
      for (PortForward f : forwards) {
        String dst = f.hostIp().map(ip -> Ipv4Net.host(ip).toString()).orElse("0.0.0.0/0");
        rules.add(List.of("-p", f.protocol(), "-d", dst, "--dport", Integer.toString(f.hostPort()),
            "-j", "DNAT", "--to-destination", pod + ":" + f.podPort()));
      }
      // dom0's own addresses, from outside (PREROUTING) and from dom0 itself (OUTPUT); never its loopback: a
      // connection from 127.0.0.1 could only reach the pod with route_localnet, which opens the loopback to pods
      List<String> local = List.of("-m", "addrtype", "--dst-type", "LOCAL", "!", "-d", LOOPBACK);
      out.add(new PodChain("nat", chain("DNAT", uuid), rules,
          List.of(new Jump("PREROUTING", true, local), new Jump("OUTPUT", true, local))));
      hairpin(uuid, forwardNetwork(attachments)).ifPresent(out::add);
    }
    out.add(guard(uuid, attachments));
    return out;
  }

  /**
   * On a bridge, a forwarded port reached from another pod of the same bridge (through the gateway) is DNATed back
   * onto the bridge: without more, the pod answers the other pod directly over the bridge, from its own address,
   * and the other pod drops that answer (it talks to the gateway). Such connections are therefore masqueraded to the
   * gateway, so that the answers come back through dom0 and its conntrack, as CNI's portmap plugin does. A ptp link
   * needs nothing: everything a ptp pod sends goes through dom0 anyway.
   */
  private static Optional<PodChain> hairpin(String uuid, Attachment forward) {
    if (forward.config().isPtp()) {
      return Optional.empty();
    }
    String pod = Ipv4Net.host(forward.podAddress()).toString();
    List<List<String>> rules = List.of(List.of("-s", forward.result().address().network().toString(),
        "-j", "MASQUERADE"));
    Jump jump = new Jump("POSTROUTING", false, List.of("-d", pod, "-m", "conntrack", "--ctstate", "DNAT"));
    return Optional.of(new PodChain("nat", chain("HAIR", uuid), rules, List.of(jump)));
  }

  /**
   * What the pod may send to dom0 itself (INPUT): answers to connections dom0 opened (ESTABLISHED, RELATED: dom0
   * can always reach the pod) and DNS to the nameservers its networks name; nothing else, in particular no new
   * connection to a service of dom0's. Forwarded ports are not affected: DNAT in PREROUTING has already sent them on.
   * Entered first from INPUT by the pod's source addresses, which the vif filters keep the pod's own.
   */
  private static PodChain guard(String uuid, List<Attachment> attachments) {
    List<List<String>> rules = new ArrayList<>();
    rules.add(List.of("-d", LOOPBACK, "-j", "DROP"));
    rules.add(List.of("-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"));
    for (String ns : nameservers(attachments)) {
      for (String proto : List.of("udp", "tcp")) {
        rules.add(List.of("-p", proto, "-d", ns + "/32", "--dport", "53", "-j", "RETURN"));
      }
    }
    rules.add(List.of("-j", "DROP"));
    List<Jump> jumps = attachments.stream()
        .map(a -> new Jump("INPUT", true, List.of("-s", Ipv4Net.host(a.podAddress()).toString()))).toList();
    return new PodChain("filter", chain("HOST", uuid), rules, jumps);
  }

  /** The IPv4 nameservers of the pod's networks (IPAM result, else configuration): what resolv.conf may name. */
  private static Set<String> nameservers(List<Attachment> attachments) {
    Set<String> out = new LinkedHashSet<>();
    for (Attachment a : attachments) {
      a.result().dns().or(() -> a.config().dns()).ifPresent(d -> d.nameservers().stream()
          .filter(Ipv4::isIpv4).forEach(out::add));
    }
    return out;
  }

  private static List<String> filter(String vif, int prio, String protocol, String... match) {
    List<String> argv = new ArrayList<>(List.of("tc", "filter", "add", "dev", vif, "parent", INGRESS, "prio",
        Integer.toString(prio), "protocol", protocol, "flower"));
    argv.addAll(List.of(match));
    return argv;
  }

  private static List<String> iptables(String table, String op, String chain) {
    return List.of(IPTABLES, "-w", "-t", table, op, chain);
  }

  private static List<String> iptables(String table, String op, String chain, List<String> rule) {
    return iptables(table, List.of(op, chain), rule);
  }

  private static List<String> iptables(String table, List<String> op, List<String> rule) {
    List<String> argv = new ArrayList<>(List.of(IPTABLES, "-w", "-t", table));
    argv.addAll(op);
    argv.addAll(rule);
    return argv;
  }
}
