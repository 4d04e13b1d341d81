package io.stage1xen.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.PodUuid;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EntrypointParametersTest {
  static final PodUuid POD = PodUuid.of("f31ac7c7-0f1b-4b6c-a0ab-3b9c1bb0d4a2");

  @ParameterizedTest
  @ValueSource(strings = {"default", "default-restricted", "none", "host", "all", "foo:IP=10.1.2.3,bar",
      "a:IP=10.0.0.2;X=y,b,c", "net.1_x", "foo:", "all,default"})
  void netListAccepts(String value) {
    NetList n = NetList.parse(value);
    assertEquals(value, n.raw());
    assertEquals(value.split(",").length, n.networks().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ",", "a,", ",a", "a,,b", "a,a", "a:x:y", "host:IP=1.2.3.4", "all:K=V", "a:IP",
      "a:=x", "a b", "$(id)", "a;b", "-x", "a:IP=1.2.3.4,", "a:IP=fd00::1"})
  void netListRejects(String value) {
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> NetList.parse(value));
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void netListQueries() {
    NetList n = NetList.parse("foo:IP=10.1.2.3,none");
    assertTrue(n.isNone());
    assertFalse(n.isHost());
    assertEquals(Optional.of("IP=10.1.2.3"), n.networks().get(0).args());
    assertEquals("foo:IP=10.1.2.3,none", n.toString());
    assertTrue(NetList.parse("host").isHost());
  }

  @ParameterizedTest
  @CsvSource({"'resolv=host,hosts=host', HOST, HOST", "'resolv=stage0,hosts=default', STAGE0, DEFAULT",
      "'hosts=stage0,resolv=none', NONE, STAGE0", "resolv=none, NONE, DEFAULT", "hosts=host, DEFAULT, HOST",
      "'resolv=default,hosts=default', DEFAULT, DEFAULT"})
  void dnsConfModeAccepts(String value, DnsConfMode.Resolv resolv, DnsConfMode.Hosts hosts) {
    assertEquals(new DnsConfMode(resolv, hosts), DnsConfMode.parse(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "resolv", "resolv=", "resolv=HOST", "hosts=none", "resolv=host,", "dns=host",
      "resolv=host,resolv=none", "resolv=host;hosts=host", "resolv=host, hosts=host"})
  void dnsConfModeRejects(String value) {
    assertThrows(Stage1Failure.class, () -> DnsConfMode.parse(value));
  }

  @Test
  void dnsConfModeWritesRktsForm() {
    assertEquals("resolv=none,hosts=stage0", DnsConfMode.parse("hosts=stage0,resolv=none").toString());
  }

  @ParameterizedTest
  @CsvSource({"229900288:65536, 229900288, 65536", "0:1, 0, 1", "4294967295:1, 4294967295, 1"})
  void privateUsersAccepts(String value, long start, long count) {
    assertEquals(new PrivateUsers(start, count), PrivateUsers.parse(value));
    assertEquals(value, PrivateUsers.parse(value).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1", "1:", ":1", "1:0", "-1:5", "4294967295:2", "99999999999:1", "a:b", "1:2:3",
      " 1:2"})
  void privateUsersRejects(String value) {
    assertThrows(Stage1Failure.class, () -> PrivateUsers.parse(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h", "myhost", "rkt-f31ac7c7-0f1b-4b6c-a0ab-3b9c1bb0d4a2", "a.b.c", "x1-2",
      "abcdefghij.abcdefghij.abcdefghij.abcdefghij.abcdefghij.abcdefghi"})
  void hostnameAccepts(String hostname) {
    assertEquals(Optional.of(hostname), withHostname(hostname).hostname());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-a", "a-", "a..b", "a_b", "a b", "a.", ".a", "ä", "a\nb",
      "abcdefghij.abcdefghij.abcdefghij.abcdefghij.abcdefghij.abcdefghij", "$(reboot)"})
  void hostnameRejects(String hostname) {
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> withHostname(hostname));
    assertTrue(e.getMessage().startsWith("--hostname: "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  private static RunParameters withHostname(String hostname) {
    return new RunParameters(false, NetList.DEFAULT, false, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(hostname), DnsConfMode.DEFAULT, InsecureOptions.NONE, false, POD);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "tab\t", "new\nline", "é"})
  void mdsTokenRejects(String token) {
    assertThrows(Stage1Failure.class, () -> new RunParameters(false, null, false, null,
        Optional.of(token), null, null, null, null, false, POD));
  }

  @Test
  void runParametersDefaultsForNulls() {
    RunParameters p = new RunParameters(false, null, false, null, null, null, null, null, null, false, POD);
    assertEquals(RunParameters.defaults(POD), p);
    assertThrows(Stage1Failure.class,
        () -> new RunParameters(false, null, false, null, null, null, null, null, null, false, null));
    assertThrows(Stage1Failure.class, () -> new RunParameters(false, null, false, null, null,
        Optional.of(Path.of("")), null, null, null, false, POD));
  }

  @Test
  void enterParameters() {
    EnterParameters e = new EnterParameters(5, Optional.of(AcName.of("a")), List.of("sh", "-c", "x"));
    assertEquals(List.of("sh", "-c", "x"), e.command());
    assertThrows(Stage1Failure.class, () -> new EnterParameters(0, null, List.of("sh")));
    assertThrows(Stage1Failure.class, () -> new EnterParameters(-3, null, List.of("sh")));
    assertThrows(Stage1Failure.class, () -> new EnterParameters(1, null, List.of()));
    assertThrows(Stage1Failure.class, () -> new EnterParameters(1, null, List.of("a\0b")));
    assertEquals(Optional.empty(), new EnterParameters(1, null, List.of("sh")).appName());
  }

  @Test
  void otherParameters() {
    assertThrows(Stage1Failure.class, () -> new GcParameters(false, null, null));
    assertThrows(Stage1Failure.class, () -> new StopParameters(true, null));
    assertThrows(Stage1Failure.class, () -> new AppEntrypointParameters(AppAction.ADD, false, null, null));
    assertThrows(Stage1Failure.class,
        () -> new AppEntrypointParameters(null, false, null, AcName.of("a")));
    assertEquals("app/stop", AppAction.STOP.entrypoint());
    assertEquals(Optional.empty(), new GcParameters(true, null, POD).localConfig());
  }
}
