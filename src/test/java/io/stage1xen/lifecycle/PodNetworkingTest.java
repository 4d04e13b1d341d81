package io.stage1xen.lifecycle;

import static io.stage1xen.lifecycle.PodLifecycleTest.app;
import static io.stage1xen.lifecycle.PodLifecycleTest.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.network.HostCommands;
import io.stage1xen.network.PodNetwork;
import io.stage1xen.pod.PodState;
import io.stage1xen.process.ExecResult;
import io.stage1xen.stage0.Stage0;
import io.stage1xen.testing.FakeHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pod networks end to end through the stage0 emulator: the IPAM plugin of the stage1 image (a fake one here, the
 * real host-local in the native tier), dom0's network tools replaced by recorders on PATH (nothing on this machine's
 * network changes), the fake xl and guest. The same scenarios run against real Xen in tests/smoke/network.sh.
 */
class PodNetworkingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path tmp;
  private FakeHost host;
  private Stage0 stage0;
  private Path config;
  private Path leases;

  @BeforeEach
  void setUp() throws Exception {
    host = new FakeHost(tmp);
    stage0 = host.stage0();
    leases = Files.createDirectories(tmp.resolve("leases"));
    config = Files.createDirectories(tmp.resolve("etc-rkt"));
    Files.createDirectories(config.resolve("net.d"));
    // rkt's default network, with its leases kept in the test's directory
    Files.writeString(config.resolve("net.d/99-default.conf"), "{\"name\":\"default\",\"type\":\"ptp\",\"ipMasq\":true,"
        + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"172.16.28.0/24\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}],"
        + "\"dataDir\":\"" + leases + "\"}}");
  }

  private ExecResult run(PodUuid uuid, String net) throws Exception {
    return stage0.run(uuid, "--net=" + net, "--local-config=" + config);
  }

  private Path runDir(PodUuid uuid) {
    return host.podDirectory(uuid, PodState.RUN);
  }

  private List<String> leaseFiles() throws Exception {
    try (Stream<Path> s = Files.walk(leases)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .filter(n -> n.matches("[0-9.]+")).toList();
    }
  }

  @Test
  void theDefaultNetworkGivesTheGuestAnAddressRoutesAndTheHostItsEndAndAllIsReleasedAtTheEnd() throws Exception {
    PodUuid uuid = host.prepare(pod(app("web", "/fake", "nics", "exit:0")));
    ExecResult r = run(uuid, "default");

    assertEquals(0, r.exitCode(), r.stderr());
    String mac = PodNetwork.mac(uuid.toString(), 0);
    assertEquals("eth0 " + mac + " 172.16.28.2/24 mtu=0 prefixroute=false 172.16.28.1/32 172.16.28.0/24>172.16.28.1"
        + " 0.0.0.0/0>172.16.28.1\n", r.stdout());
    Path pod = runDir(uuid);
    String cfg = Files.readString(pod.resolve("xen/domain.cfg"));
    assertTrue(cfg.contains("\"mac=" + mac + ",script=" + pod.toRealPath()
        + "/stage1/rootfs/stage1-xen/libexec/vif-hotplug\""), cfg);
    assertTrue(Files.readString(pod.resolve("net-info.json")).startsWith("[{\"netName\":\"default\",\"netConf\":"
        + "\"xen/net/default.conf\",\"pluginPath\":"), Files.readString(pod.resolve("net-info.json")));
    assertTrue(Files.readString(pod.resolve("net-info.json")).contains("\"ifName\":\"eth0\",\"ip\":\"172.16.28.2\","
        + "\"args\":\"\",\"mask\":\"255.255.255.0\"}]\n"));

    List<String> calls = host.hostCalls();
    String masq = HostCommands.chain("MASQ", uuid.toString());
    assertTrue(calls.contains("iptables -w -t nat -N " + masq), calls.toString());
    assertTrue(calls.stream().anyMatch(c -> c.matches("ip addr replace 172\\.16\\.28\\.1/32 dev vif[0-9]+\\.0")),
        calls.toString());
    assertTrue(calls.indexOf("iptables -w -t nat -X " + masq) > calls.indexOf("iptables -w -t nat -N " + masq),
        "the rules are removed when the pod ends: " + calls);
    List<String> ipam = host.ipamCalls();
    assertTrue(ipam.size() == 2 && ipam.get(0).startsWith("ADD " + uuid + " eth0")
        && ipam.get(1).startsWith("DEL " + uuid + " eth0"), ipam.toString());
    assertEquals(ipam.get(0).substring(4), ipam.get(1).substring(4), "DEL repeats ADD's arguments");
    assertEquals(List.of(), leaseFiles(), "the address went back");
    assertFalse(Files.exists(pod.resolve("xen/network.json")));
  }

  @Test
  void twoPodsStartingAtOnceGetDifferentAddresses() throws Exception {
    PodUuid a = host.prepare(pod(app("a", "/fake", "hang")));
    PodUuid b = host.prepare(pod(app("b", "/fake", "hang")));
    CompletableFuture<ExecResult> ra = stage0.start(a, "--net=default", "--local-config=" + config);
    CompletableFuture<ExecResult> rb = stage0.start(b, "--net=default", "--local-config=" + config);
    assertTrue(FakeHost.eventually(WAIT, () -> ready(a) && ready(b)), "pods never became ready");

    String ipA = ip(a);
    String ipB = ip(b);
    assertNotEquals(ipA, ipB);
    assertEquals(2, leaseFiles().size());

    stage0.stop(a, false);
    stage0.stop(b, false);
    ra.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    rb.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(List.of(), leaseFiles());
  }

  @Test
  void gcReleasesWhatAKilledRunHeldAndASecondGcIsANoOp() throws Exception {
    PodUuid uuid = host.prepare(pod(app("server", "/fake", "hang")));
    CompletableFuture<ExecResult> run = stage0.start(uuid, "--net=default:IP=172.16.28.77", "--local-config=" + config);
    assertTrue(FakeHost.eventually(WAIT, () -> ready(uuid)));
    assertEquals("172.16.28.77", ip(uuid));
    long supervisor = Long.parseLong(Files.readString(runDir(uuid).resolve("pid")));
    ProcessHandle.of(supervisor).orElseThrow().destroyForcibly();
    run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(List.of("172.16.28.77"), leaseFiles(), "SIGKILL cannot release; gc must");

    ExecResult gc = stage0.gc(uuid);
    assertEquals(0, gc.exitCode(), gc.stderr());
    assertEquals(List.of(), leaseFiles());
    List<String> ipam = host.ipamCalls();
    assertTrue(ipam.get(ipam.size() - 1).startsWith("DEL " + uuid + " eth0 IP=172.16.28.77 "), ipam.toString());
    assertTrue(host.hostCalls().contains("iptables -w -t nat -X " + HostCommands.chain("MASQ", uuid.toString())));
    assertEquals(List.of(), host.liveDomains());

    // the address is free again: the next pod can have it
    PodUuid next = host.prepare(pod(app("hello", "/fake", "exit:0")));
    assertEquals(0, run(next, "default:IP=172.16.28.77").exitCode());
  }

  @Test
  void forwardedPortsReachTheAppsDeclaredPort() throws Exception {
    String web = "{\"name\":\"web\",\"image\":{\"name\":\"example.com/web\",\"id\":\"sha512-36dc1531c150db562d74d7d8392e"
        + "a946e56ec0e81bba35d0334c28489bd9f804\"},\"app\":{\"exec\":[\"/fake\",\"exit:0\"],\"user\":\"0\",\"group\":\"0\","
        + "\"ports\":[{\"name\":\"http\",\"protocol\":\"tcp\",\"port\":80},{\"name\":\"dns\",\"protocol\":\"udp\","
        + "\"port\":53}]}}";
    String manifest = pod(web).replace("\"ports\":[]", "\"ports\":[{\"name\":\"http\",\"hostPort\":8080},"
        + "{\"name\":\"dns\",\"hostPort\":5353}]");
    PodUuid uuid = host.prepare(manifest);
    ExecResult r = run(uuid, "default");
    assertEquals(0, r.exitCode(), r.stderr());
    String dnat = HostCommands.chain("DNAT", uuid.toString());
    List<String> calls = host.hostCalls();
    assertTrue(calls.contains("iptables -w -t nat -A " + dnat + " -p tcp -d 0.0.0.0/0 --dport 8080 -j DNAT"
        + " --to-destination 172.16.28.2:80"), calls.toString());
    assertTrue(calls.contains("iptables -w -t nat -A " + dnat + " -p udp -d 0.0.0.0/0 --dport 5353 -j DNAT"
        + " --to-destination 172.16.28.2:53"), calls.toString());
    assertTrue(calls.contains("iptables -w -t nat -X " + dnat), calls.toString());
  }

  @Test
  void anUnsupportedTypeIsOneLineAndTouchesNothing() throws Exception {
    Files.writeString(config.resolve("net.d/10-lan.conf"), "{\"name\":\"lan\",\"type\":\"macvlan\",\"master\":\"eth0\","
        + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.5.0.0/24\"}}");
    PodUuid uuid = host.prepare(pod(app("hello", "/fake", "exit:0")));
    ExecResult r = run(uuid, "lan");

    assertEquals(254, r.exitCode());
    List<String> lines = r.stderr().strip().lines().toList();
    assertEquals(1, lines.size(), r.stderr());
    assertTrue(lines.get(0).endsWith(config.resolve("net.d/10-lan.conf") + ": type: network 'lan' has type 'macvlan',"
        + " which stage1-xen cannot attach to a pod VM (supported: bridge, ptp)"), lines.get(0));
    assertEquals(List.of(), host.xlCalls());
    assertEquals(List.of(), host.ipamCalls());
    assertEquals(List.of(), host.hostCalls());
  }

  @Test
  void aFailingHostCommandFailsTheRunAndTheAddressIsStillReleased() throws Exception {
    Files.writeString(tmp.resolve("xen-state/fail-host-iptables"), "iptables: Permission denied (you must be root)\n");
    PodUuid uuid = host.prepare(pod(app("hello", "/fake", "exit:0")));
    ExecResult r = run(uuid, "default");

    assertEquals(254, r.exitCode());
    List<String> lines = r.stderr().strip().lines().toList();
    assertTrue(lines.get(lines.size() - 1).contains("setting up the pod's networking on the host failed: 'iptables"
        + " -w -t nat -N S1X-MASQ-") && lines.get(lines.size() - 1).endsWith("Permission denied (you must be root)"),
        r.stderr());
    assertEquals(List.of(), leaseFiles());
    assertEquals(List.of(), host.liveDomains());
  }

  @Test
  void noneHasLoopbackOnlyAndNeedsNothingOnTheHost() throws Exception {
    PodUuid uuid = host.prepare(pod(app("hello", "/fake", "nics", "exit:0")));
    ExecResult r = run(uuid, "none");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("", r.stdout());
    assertFalse(Files.readString(runDir(uuid).resolve("xen/domain.cfg")).contains("vif"));
    assertEquals(new ArrayList<>(), host.ipamCalls());
    assertEquals(List.of(), host.hostCalls());
  }

  private boolean ready(PodUuid uuid) {
    return Files.isSymbolicLink(runDir(uuid).resolve("stage1/rootfs/rkt/supervisor-status"));
  }

  private String ip(PodUuid uuid) throws Exception {
    String info = Files.readString(runDir(uuid).resolve("net-info.json"));
    return info.replaceAll(".*\"ip\":\"([0-9.]+)\".*\\n?", "$1");
  }
}
