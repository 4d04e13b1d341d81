package io.stage1xen.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.inet.Ipv4Net;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Both layouts of a CNI result, as host-local 1.1.1 prints them (captured from the real plugin). */
class IpamResultTest {
  @Test
  void cni040Layout() {
    IpamResult r = IpamResult.parse("""
        {"cniVersion": "0.4.0", "ips": [{"version": "4", "address": "172.16.28.2/24", "gateway": "172.16.28.1"}],
         "routes": [{"dst": "0.0.0.0/0"}], "dns": {}}""", "t");
    assertEquals("172.16.28.2/24", r.address().toString());
    assertEquals("172.16.28.1", r.gateway().orElseThrow().toString());
    assertEquals(List.of(Route.onLink(Ipv4Net.parse("0.0.0.0/0", "t"))), r.routes());
    assertEquals(Optional.empty(), r.dns());
  }

  @Test
  void cni010Layout() {
    IpamResult r = IpamResult.parse("""
        {"cniVersion": "0.1.0", "ip4": {"ip": "172.16.28.9/24", "gateway": "172.16.28.1",
         "routes": [{"dst": "10.0.0.0/8", "gw": "172.16.28.254"}]}, "dns": {"nameservers": ["172.16.28.1"]}}""", "t");
    assertEquals("172.16.28.9/24", r.address().toString());
    assertEquals("172.16.28.254", r.routes().get(0).via().orElseThrow().toString());
    assertEquals(List.of("172.16.28.1"), r.dns().orElseThrow().nameservers());
  }

  @Test
  void ipv6OnlyIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpamResult.parse(
        "{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"6\",\"address\":\"fd00::2/64\"}]}", "result"));
    assertTrue(e.getMessage().contains("no IPv4 address"), e.getMessage());
  }
}
