package io.stage1xen.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.inet.Ipv4;
import io.stage1xen.inet.Ipv4Net;
import io.stage1xen.outcome.Stage1Failure;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> IpamResult.parse(
        "{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"6\",\"address\":\"fd00::2/64\"}]}", "result"));
    assertTrue(e.getMessage().contains("no IPv4 address"), e.getMessage());
  }

  @Test
  void ipv6EntriesAreSkippedAndIpv4OnesChecked() {
    IpamResult r = IpamResult.parse("""
        {"cniVersion": "0.4.0", "ips": [{"address": "fd00::2/64", "gateway": "fd00::1"},
         {"address": "10.1.0.2/24", "gateway": ""}], "routes": [{"dst": "::/0"}, {"dst": "10.0.0.0/8", "gw": "10.1.0.9"}]}""",
        "t");
    assertEquals("10.1.0.2/24", r.address().toString());
    assertEquals(Optional.empty(), r.gateway());
    assertEquals(List.of(Route.via(Ipv4Net.parse("10.0.0.0/8", "t"), Ipv4.parse("10.1.0.9", "t"))), r.routes());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"ips\": [{\"address\": \"172.16.28.300/24\"}]} | r: ips[0].address (line 1, column 22): is not an IPv4 prefix (a.b.c.d/n): \"172.16.28.300/24\"",
      "{\"ips\": [{\"address\": \"10.1.0.2/24\", \"gateway\": \"gw\"}]} | r: ips[0].gateway (line 1, column 48): is not an IPv4 address (a.b.c.d): \"gw\"",
      "{\"ip4\": {\"gateway\": \"10.0.0.1\"}} | r: ip4.ip (line 1, column 9): is required",
      "{\"ip4\": {\"ip\": \"10.0.0.2\"}} | r: ip4.ip (line 1, column 16): is not an IPv4 prefix (a.b.c.d/n): \"10.0.0.2\"",
      "{\"ip4\": {\"ip\": \"10.0.0.2/8\", \"routes\": [{\"gw\": \"10.0.0.1\"}]}} | r: ip4.routes[0].dst (line 1, column 41): every route needs a \"dst\"",
      "{\"ips\": [{\"address\": \"10.1.0.2/24\"}], \"routes\": [{\"dst\": \"0.0.0.0/0\", \"gw\": 7}]} | r: routes[0].gw (line 1, column 77): expected a string, found a number: 7",
      "{\"ips\": [{\"address\": \"10.1.0.2/24\"}], \"dns\": {\"nameservers\": [\"1.1.1.1 x\"]}} | r: dns.nameservers[0] (line 1, column 63): is empty or contains blanks or control characters: \"1.1.1.1 x\"",
      "[] | r: $ (line 1, column 1): expected an object, found an array"})
  void badResultsNameTheFieldAndTheValue(String json, String message) {
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> IpamResult.parse(json, "r"));
    assertEquals(message, e.getMessage());
  }
}
