package io.stage1xen.network;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The commands that configure dom0 for a pod's networks, as argv lists (never shell lines), built from values that
 * were all parsed and checked before. Tools: iproute2 {@code ip}, procps {@code sysctl} and {@code iptables} (the
 * nf_tables or legacy backend alike). Every iptables rule lives in chains named after the pod
 * ({@code S1X-MASQ-<h>}, {@code S1X-DNAT-<h>}, {@code S1X-SNAT-<h>}, h = the first 16 hex digits of sha256(uuid)) or
 * is a jump to one, so that teardown removes exactly this pod's rules and nothing else.
 */
public final class HostCommands {
  static final String IPTABLES = "iptables";

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

  /** Rules that need no vif: forwarding on, outbound NAT, port forwarding. Run before the domain exists. */
  public static List<List<String>> setUp(String uuid, List<Attachment> attachments, List<PortForward> forwards) {
    List<List<String>> out = new ArrayList<>();
    if (attachments.isEmpty()) {
      return out;
    }
    out.add(List.of("sysctl", "-q", "-w", "net/ipv4/ip_forward=1"));
    String comment = "s1x:" + uuid;
    List<Attachment> masq = attachments.stream().filter(a -> a.config().ipMasq()).toList();
    if (!masq.isEmpty()) {
      String chain = chain("MASQ", uuid);
      out.add(nat("-N", chain));
      for (Attachment a : masq) {
        String pod = Ipv4Net.host(a.podAddress()).toString();
        out.add(nat("-A", chain, "-s", pod, "-d", a.result().address().network().toString(), "-j", "RETURN"));
        out.add(nat("-A", chain, "-s", pod, "!", "-d", "224.0.0.0/4", "-j", "MASQUERADE"));
      }
      for (Attachment a : masq) {
        out.add(nat("-A", "POSTROUTING", "-s", Ipv4Net.host(a.podAddress()).toString(),
            "-m", "comment", "--comment", comment, "-j", chain));
      }
    }
    if (!forwards.isEmpty()) {
      String pod = forwardNetwork(attachments).podAddress().toString();
      String dnat = chain("DNAT", uuid);
      String snat = chain("SNAT", uuid);
      out.add(nat("-N", dnat));
      out.add(nat("-N", snat));
      for (PortForward f : forwards) {
        String dst = f.hostIp().map(ip -> Ipv4Net.host(ip).toString()).orElse("0.0.0.0/0");
        out.add(nat("-A", dnat, "-p", f.protocol(), "-d", dst, "--dport", Integer.toString(f.hostPort()),
            "-j", "DNAT", "--to-destination", pod + ":" + f.podPort()));
        // a connection from the host's 127.0.0.1 must not reach the pod with that source: the reply would stay in
        // the VM's own loopback
        out.add(nat("-A", snat, "-p", f.protocol(), "-s", "127.0.0.1", "-d", pod, "--dport",
            Integer.toString(f.podPort()), "-j", "MASQUERADE"));
      }
      out.addAll(forwardJumps("-I", uuid));
    }
    return out;
  }

  /** What undoes {@link #setUp}; each command may find its rule already gone. */
  public static List<List<String>> tearDown(String uuid, boolean masq, boolean forwards) {
    List<List<String>> out = new ArrayList<>();
    if (forwards) {
      out.addAll(forwardJumps("-D", uuid));
      for (String kind : List.of("DNAT", "SNAT")) {
        out.add(nat("-F", chain(kind, uuid)));
        out.add(nat("-X", chain(kind, uuid)));
      }
    }
    if (masq) {
      out.add(nat("-F", chain("MASQ", uuid)));
      out.add(nat("-X", chain("MASQ", uuid)));
    }
    return out;
  }

  /** The POSTROUTING jumps to the MASQ chain, which must go before the chain can be deleted. */
  public static List<List<String>> masqJumps(String uuid, List<Ipv4> podAddresses) {
    List<List<String>> out = new ArrayList<>();
    for (Ipv4 ip : podAddresses) {
      out.add(nat("-D", "POSTROUTING", "-s", Ipv4Net.host(ip).toString(), "-m", "comment", "--comment",
          "s1x:" + uuid, "-j", chain("MASQ", uuid)));
    }
    return out;
  }

  /**
   * The host end of one interface once the domain exists. ptp: the vif gets the gateway as a /32 and a /32 route to
   * the pod (the same gateway address may sit on many vifs, as CNI's ptp plugin does with veths). bridge: the vif
   * joins the bridge, which is created when missing and gets the gateway address when isGateway is set.
   */
  public static List<List<String>> vif(String vif, Attachment a, boolean routeLocalnet) {
    List<List<String>> out = new ArrayList<>();
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
      if (routeLocalnet) {
        out.add(List.of("sysctl", "-q", "-w", "net/ipv4/conf/" + vif + "/route_localnet=1"));
      }
    } else {
      String br = c.bridge();
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
      if (routeLocalnet) {
        out.add(List.of("sysctl", "-q", "-w", "net/ipv4/conf/" + br + "/route_localnet=1"));
      }
    }
    return out;
  }

  /** Whether a failure of this command means "already so" (the bridge exists) rather than an error. */
  static boolean mayAlreadyExist(List<String> argv) {
    return argv.size() > 2 && argv.get(0).equals("ip") && argv.get(1).equals("link") && argv.get(2).equals("add");
  }

  private static List<List<String>> forwardJumps(String op, String uuid) {
    String comment = "s1x:" + uuid;
    String dnat = chain("DNAT", uuid);
    String snat = chain("SNAT", uuid);
    List<String> pos = op.equals("-I") ? List.of("1") : List.of();
    List<List<String>> out = new ArrayList<>();
    for (String builtin : List.of("PREROUTING", "OUTPUT")) {
      List<String> argv = new ArrayList<>(List.of(IPTABLES, "-w", "-t", "nat", op, builtin));
      argv.addAll(pos);
      argv.addAll(List.of("-m", "addrtype", "--dst-type", "LOCAL", "-m", "comment", "--comment", comment, "-j", dnat));
      out.add(argv);
    }
    List<String> post = new ArrayList<>(List.of(IPTABLES, "-w", "-t", "nat", op, "POSTROUTING"));
    post.addAll(pos);
    post.addAll(List.of("-s", "127.0.0.1", "!", "-d", "127.0.0.1", "-m", "comment", "--comment", comment, "-j", snat));
    out.add(post);
    return out;
  }

  private static List<String> nat(String... args) {
    List<String> argv = new ArrayList<>(List.of(IPTABLES, "-w", "-t", "nat"));
    argv.addAll(List.of(args));
    return argv;
  }
}
