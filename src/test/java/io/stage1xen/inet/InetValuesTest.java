package io.stage1xen.inet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stage1xen.json.Json;
import io.stage1xen.json.JsonException;
import io.stage1xen.outcome.Stage1Failure;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one grammar of each network value, in code and in JSON. */
class InetValuesTest {
  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "10.1.2.3", "255.255.255.255", "172.16.28.1"})
  void ipv4AddressesRoundTrip(String text) {
    assertEquals(text, Ipv4.parse(text, "t").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "1.2.3.4\n", "::1", "a.b.c.d",
      "1.2.3.4/32"})
  void ipv4RefusesEverythingButTheDottedQuad(String text) {
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> Ipv4.parse(text, "hostIP"));
    assertEquals("hostIP: is not an IPv4 address (a.b.c.d): " + io.stage1xen.json.ValueException.quote(text),
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.1/8", "0.0.0.0/0", "172.16.28.2/24", "1.2.3.4/32"})
  void prefixesRoundTrip(String text) {
    assertEquals(text, Ipv4Net.parse(text, "t").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.1", "10.0.0.1/33", "256.0.0.1/8", "10.0.0.1/08", "10.0.0.1/8\n", "::1/128",
      "10.0.0.1/8 x", "/8", ""})
  void prefixesRefuseOtherForms(String text) {
    assertThrows(Stage1Failure.class, () -> Ipv4Net.parse(text, "t"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"02:0A:0B:0C:0D:0E", "02:0a:0b:0c:0d", "02-0a-0b-0c-0d-0e", "2:0a:0b:0c:0d:0e",
      "02:0a:0b:0c:0d:0e\n", ""})
  void macsAreLowerCaseColonHexOnly(String text) {
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> MacAddress.parse(text, "vif mac"));
    assertEquals("vif mac: is not a MAC address (six lower-case hex pairs separated by ':'): "
        + io.stage1xen.json.ValueException.quote(text), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abcdefghijklmnop", "br 0", "br0;x", "eth0/../x", "br,0", "vif\n"})
  void interfaceNamesAreOneShortPlainWord(String text) {
    assertThrows(Stage1Failure.class, () -> InterfaceName.parse(text, "bridge"));
  }

  @Test
  void interfaceNamesUpToFifteenCharactersPass() {
    assertEquals("abcdefghijklmno", new InterfaceName("abcdefghijklmno").toString());
    assertEquals("vif12.0", InterfaceName.parse("vif12.0", "t").toString());
  }

  public record Nic(InterfaceName name, MacAddress mac, Ipv4Net address, Optional<Ipv4> gateway) {}

  @Test
  void inJsonEachValueIsReadAndWrittenAsItsTextAndFailsNamingItsField() throws JsonException {
    String json = "[{\"name\":\"eth0\",\"mac\":\"02:0a:0b:0c:0d:0e\",\"address\":\"10.1.0.2/24\",\"gateway\":\"10.1.0.1\"}]";
    Nic[] nics = Json.read(json, "nics.json", Nic[].class);
    assertEquals(List.of(new Nic(new InterfaceName("eth0"), new MacAddress("02:0a:0b:0c:0d:0e"),
        Ipv4Net.parse("10.1.0.2/24", "t"), Optional.of(Ipv4.parse("10.1.0.1", "t")))), List.of(nics));
    assertEquals(json, Json.write(nics));
    JsonException e = assertThrows(JsonException.class, () -> Json.read(json.replace("10.1.0.1", "10.1.0.256"),
        "nics.json", Nic[].class));
    assertEquals("nics.json: [0].gateway (line 1, column 77): is not an IPv4 address (a.b.c.d): \"10.1.0.256\"",
        e.getMessage());
  }
}
