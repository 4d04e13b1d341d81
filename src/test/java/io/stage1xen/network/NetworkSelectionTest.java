package io.stage1xen.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.NetList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rkt's rules for which networks a pod joins, from {@code <local-config>/net.d} and the built-ins. */
class NetworkSelectionTest {
  @TempDir Path config;

  private void conf(String file, String json) throws IOException {
    Files.createDirectories(config.resolve("net.d"));
    Files.writeString(config.resolve("net.d").resolve(file), json);
  }

  private List<String> names(String net) throws IOException {
    return NetworkSelection.select(NetList.parse(net), config).stream().map(SelectedNetwork::name).toList();
  }

  static String ptp(String name, String subnet) {
    return "{\"name\":\"" + name + "\",\"type\":\"ptp\",\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + subnet
        + "\"}}";
  }

  @Test
  void defaultIsRktsBuiltinPtpNetworkWithNatAndADefaultRoute() throws IOException {
    List<SelectedNetwork> nets = NetworkSelection.select(NetList.DEFAULT, config);
    assertEquals(1, nets.size());
    NetworkConfig c = nets.get(0).config();
    assertEquals("default", c.name());
    assertTrue(c.isPtp() && c.ipMasq());
    assertTrue(c.ipamInput().contains("\"ipam\":{\"type\":\"host-local\""), c.ipamInput());
    assertTrue(c.ipamInput().contains("\"subnet\":\"172.16.28.0/24\""), c.ipamInput());
    assertTrue(c.ipamInput().contains("\"routes\":[{\"dst\":\"0.0.0.0/0\"}]"), c.ipamInput());
  }

  @Test
  void defaultRestrictedHasNoNatAndNoDefaultRoute() throws IOException {
    NetworkConfig c = NetworkSelection.select(NetList.parse("default-restricted"), config).get(0).config();
    assertFalse(c.ipMasq());
    assertTrue(c.ipamInput().contains("\"subnet\":\"172.17.0.0/16\"") && !c.ipamInput().contains("routes"));
  }

  @Test
  void noneJoinsNothing() throws IOException {
    assertEquals(List.of(), names("none"));
  }

  @Test
  void namedNetworksComeInFileOrderAndDefaultRestrictedIsAddedSoTheHostCanReachThePod() throws IOException {
    conf("20-b.conf", ptp("b", "10.2.0.0/24"));
    conf("10-a.conf", ptp("a", "10.1.0.0/24"));
    conf("30-c.conf", ptp("c", "10.3.0.0/24"));
    conf("README", "not a network");
    assertEquals(List.of("a", "b", "default-restricted"), names("b,a"));
    assertEquals(List.of("a", "b", "default"), names("default,b,a"));
  }

  @Test
  void allLoadsEveryNetworkAndTheDefault() throws IOException {
    conf("10-a.conf", ptp("a", "10.1.0.0/24"));
    conf("20-b.conf", ptp("b", "10.2.0.0/24"));
    assertEquals(List.of("a", "b", "default"), names("all"));
  }

  @Test
  void aLocalConfigurationReplacesTheBuiltinDefault() throws IOException {
    conf("50-mine.conf", ptp("default", "192.168.77.0/24"));
    List<SelectedNetwork> nets = NetworkSelection.select(NetList.DEFAULT, config);
    assertEquals(1, nets.size());
    assertTrue(nets.get(0).config().ipamInput().contains("192.168.77.0/24"));
    assertEquals(config.resolve("net.d/50-mine.conf").toString(), nets.get(0).config().source());
  }

  @Test
  void theFirstFileOfANameWins() throws IOException {
    conf("10-a.conf", ptp("a", "10.1.0.0/24"));
    conf("20-a.conf", ptp("a", "10.9.0.0/24"));
    List<SelectedNetwork> nets = NetworkSelection.select(NetList.parse("a"), config);
    assertTrue(nets.get(0).config().ipamInput().contains("10.1.0.0/24"));
  }

  @Test
  void argumentsOfEachNetworkBecomeItsCniArgs() throws IOException {
    conf("10-a.conf", ptp("a", "10.1.0.0/24"));
    List<SelectedNetwork> nets = NetworkSelection.select(NetList.parse("a:IP=10.1.0.9,default:IP=172.16.28.7"),
        config);
    assertEquals("IP=10.1.0.9", nets.get(0).args());
    assertEquals("IP=172.16.28.7", nets.get(1).args());
  }

  @Test
  void anUnknownNameIsOneLineNamingIt() throws IOException {
    conf("10-a.conf", ptp("a", "10.1.0.0/24"));
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> names("a,nope"));
    assertTrue(e.getMessage().contains("no network named nope") && !e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void anUnsupportedTypeIsRefusedWhenAskedForAndIgnoredOtherwise() throws IOException {
    conf("10-mv.conf", "{\"name\":\"lan\",\"type\":\"macvlan\",\"master\":\"eth0\",\"ipam\":{\"type\":\"host-local\","
        + "\"subnet\":\"10.5.0.0/24\"}}");
    assertEquals(List.of("default"), names("default"));
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> names("lan"));
    assertEquals(config.resolve("net.d/10-mv.conf") + ": type (line 1, column 22): network 'lan' has type 'macvlan', which stage1-xen"
        + " cannot attach to a pod VM (supported: bridge, ptp)", e.getMessage());
  }

  @Test
  void brokenJsonNamesTheFile() throws IOException {
    conf("10-x.conf", "{\"name\": \"x\",");
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> names("x"));
    assertTrue(e.getMessage().startsWith(config.resolve("net.d/10-x.conf").toString()), e.getMessage());
  }
}
