package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.outcome.Stage1Failure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The NET fields of the plan (docs/PROTOCOL.md), read back with the independent decoder. */
class InterfacePlanTest {
  @Test
  void interfacesAreEncodedInOrderWithTheirRoutes() {
    InterfacePlan eth0 = new InterfacePlan("eth0", "02:0a:0b:0c:0d:0e", "172.16.28.2/24", 0, false, List.of(
        new InterfacePlan.RoutePlan("172.16.28.1/32", null), new InterfacePlan.RoutePlan("0.0.0.0/0", "172.16.28.1")));
    InterfacePlan eth1 = new InterfacePlan("eth1", "02:0a:0b:0c:0d:0f", "10.9.0.7/16", 1400, true, List.of());
    PodPlan p = new PodPlan("h", null, null, false, Duration.ZERO, false, List.of(), List.of())
        .withNetworks(List.of(eth0, eth1), "nameserver 172.16.28.1\n");
    TlvDecoder.Field root = TlvDecoder.decode(PlanEncoder.encode(p));
    assertEquals("nameserver 172.16.28.1\n", root.one(PlanEncoder.T_RESOLV).text());
    List<TlvDecoder.Field> nets = root.all(PlanEncoder.T_NET);
    assertEquals(2, nets.size());
    TlvDecoder.Field n = nets.get(0);
    assertEquals("eth0", n.one(PlanEncoder.T_NET_NAME).text());
    assertEquals("02:0a:0b:0c:0d:0e", n.one(PlanEncoder.T_NET_MAC).text());
    assertEquals("172.16.28.2/24", n.one(PlanEncoder.T_NET_ADDRESS).text());
    assertEquals(0, n.one(PlanEncoder.T_NET_MTU).u32());
    assertFalse(n.one(PlanEncoder.T_NET_PREFIX_ROUTE).bool());
    List<TlvDecoder.Field> routes = n.all(PlanEncoder.T_NET_ROUTE);
    assertEquals("172.16.28.1/32", routes.get(0).one(PlanEncoder.T_ROUTE_DST).text());
    assertTrue(routes.get(0).all(PlanEncoder.T_ROUTE_VIA).isEmpty(), "on the link");
    assertEquals("172.16.28.1", routes.get(1).one(PlanEncoder.T_ROUTE_VIA).text());
    assertEquals(1400, nets.get(1).one(PlanEncoder.T_NET_MTU).u32());
    assertTrue(nets.get(1).one(PlanEncoder.T_NET_PREFIX_ROUTE).bool());
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.1", "10.0.0.1/33", "256.0.0.1/8", "10.0.0.1/8\n", "::1/128", "10.0.0.1/8 x", ""})
  void addressesThatAreNotIpv4PrefixesAreRefused(String address) {
    assertThrows(Stage1Failure.class, () -> new InterfacePlan("eth0", "02:0a:0b:0c:0d:0e", address, 0,
        true, List.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"02:0A:0B:0C:0D:0E", "02:0a:0b:0c:0d", "02-0a-0b-0c-0d-0e", "02:0a:0b:0c:0d:0e\0"})
  void macsMustBeLowerCaseColonHex(String mac) {
    assertThrows(Stage1Failure.class, () -> new InterfacePlan("eth0", mac, "10.0.0.2/8", 0, true,
        List.of()));
  }

  @Test
  void namesAndMtusAreChecked() {
    assertThrows(Stage1Failure.class, () -> new InterfacePlan("eth0/../x", "02:0a:0b:0c:0d:0e",
        "10.0.0.2/8", 0, true, List.of()));
    assertThrows(Stage1Failure.class, () -> new InterfacePlan("eth0", "02:0a:0b:0c:0d:0e", "10.0.0.2/8",
        67, true, List.of()));
    assertThrows(Stage1Failure.class, () -> new InterfacePlan.RoutePlan("0.0.0.0/0", "gateway"));
  }
}
