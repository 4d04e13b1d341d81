package io.stage1xen.appc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IsolatorsTest {

  private static Isolators isolators(String name, String value) throws InvalidManifestException {
    return PodJson.parse(PodJson.withIsolator(name, value)).apps().get(0).app().orElseThrow().isolators();
  }

  private static IsolatorValue only(String name, String value) throws InvalidManifestException {
    Isolators list = isolators(name, value);
    assertEquals(1, list.list().size());
    assertEquals(name, list.list().get(0).name().value());
    return list.list().get(0).value();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      resource/memory            | {"default":false,"request":"64Mi","limit":"1Gi"}
      resource/memory            | {"limit":"2G"}
      resource/cpu               | {"default":false,"request":"250m","limit":"2"}
      resource/block-bandwidth   | {"default":true,"limit":"10M"}
      resource/block-iops        | {"default":true,"limit":"1000"}
      resource/network-bandwidth | {"default":true,"limit":"1Mi"}
      os/linux/capabilities-retain-set | {"set":["CAP_NET_BIND_SERVICE","CAP_CHOWN"]}
      os/linux/capabilities-remove-set | {"set":["CAP_MKNOD"]}
      os/linux/seccomp-retain-set      | {"set":["@rkt/default-whitelist","mount"],"errno":"ENOTSUP"}
      os/linux/seccomp-remove-set      | {"set":["@appc.io/all"],"errno":""}
      os/linux/no-new-privileges       | true
      os/linux/selinux-context         | {"user":"system_u","role":"system_r","type":"svirt_lxc_net_t","level":"s0:c1,c2"}
      os/linux/apparmor-profile        | {"profile":"rkt-default"}
      os/linux/oom-score-adj           | -1000
      os/linux/cpu-shares              | 262144
      os/unix/sysctl                   | {"net.ipv4.ip_forward":"1","kernel.msgmax":"65536"}
      example.com/made-up              | {"anything":[1,2,{"x":null}]}
      example.com/scalar               | 42
      """)
  void everyKindReadsAndWritesBack(String name, String value) throws Exception {
    PodManifest m = PodJson.parse(PodJson.withIsolator(name, value));
    String written = AppcJson.writePodManifest(m);
    assertEquals(m, PodJson.parse(written));
    assertEquals(written, AppcJson.writePodManifest(PodJson.parse(written)));
  }

  @Test
  void typedValues() throws Exception {
    ResourceMemory mem = assertInstanceOf(ResourceMemory.class, only("resource/memory", "{\"limit\":\"2G\"}"));
    assertEquals(Optional.empty(), mem.request());
    assertEquals(2_000_000_000L, mem.effectiveRequest().orElseThrow().bytes());
    ResourceCpu cpu = assertInstanceOf(ResourceCpu.class,
        only("resource/cpu", "{\"request\":\"250m\",\"limit\":1.5}"));
    assertEquals(250, cpu.request().orElseThrow().millis());
    assertEquals(1500, cpu.limit().orElseThrow().millis());
    assertEquals(10_000_000L, assertInstanceOf(ResourceBlockBandwidth.class,
        only("resource/block-bandwidth", "{\"default\":true,\"limit\":\"10M\"}")).limit().orElseThrow().bytes());
    assertTrue(assertInstanceOf(NoNewPrivileges.class, only("os/linux/no-new-privileges", "true")).enabled());
    SelinuxContext se = assertInstanceOf(SelinuxContext.class, only("os/linux/selinux-context",
        "{\"USER\":\"u\",\"Role\":\"r\",\"type\":\"t\",\"level\":\"s0\"}"));
    assertEquals(List.of("u", "r", "t", "s0"), List.of(se.user(), se.role(), se.type(), se.level()));
    assertEquals("p", assertInstanceOf(ApparmorProfile.class,
        only("os/linux/apparmor-profile", "{\"profile\":\"p\"}")).profile());
    assertEquals(Map.of("net.ipv4.ip_forward", "1"), assertInstanceOf(Sysctl.class,
        only("os/unix/sysctl", "{\"net.ipv4.ip_forward\":\"1\"}")).values());
  }

  @Test
  void unknownIsolatorsAreKeptAndReported() throws Exception {
    Isolators list = isolators("example.com/gpu", "{\"count\":2}");
    assertEquals(1, list.unknown().size());
    Isolator gpu = list.unknown().get(0);
    assertTrue(gpu.isUnknown());
    assertEquals("{\"count\":2}", ((UnknownIsolator) gpu.value()).json());
    assertTrue(AppcJson.writePodManifest(PodJson.parse(PodJson.withIsolator("example.com/gpu", "{\"count\":2}")))
        .contains("{\"name\":\"example.com/gpu\",\"value\":{\"count\":2}}"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      resource/memory            | {"default":true,"limit":"1G"}    | value.default | must be false for this isolator: true
      resource/memory            | {"limit":"-1G"}                  | value.limit   | must not be negative: "-1G"
      resource/memory            | {"limit":"lots"}                 | value.limit   | invalid quantity (a number with an optional suffix such as 500m, 128M, 1Gi): "lots"
      resource/memory            | {"limit":true}                   | value.limit   | must be a quantity string such as "128M": "true"
      resource/memory            | "1G"                             | value         | must be an object, not a string: "1G"
      resource/cpu               | {"default":"no"}                 | value.default | must be a boolean: "no"
      resource/block-bandwidth   | {"limit":"1M"}                   | value.default | must be true for this isolator: false
      resource/block-iops        | {"default":true,"request":"1","limit":"2"} | value.request | this isolator takes no request: "1"
      os/linux/capabilities-retain-set | {"set":[]}                 | value.set     | must not be empty
      os/linux/capabilities-retain-set | {}                         | value.set     | must not be empty
      os/linux/capabilities-remove-set | {"set":["CAP MKNOD"]}      | value.set[0]  | invalid capability name: "CAP MKNOD"
      os/linux/capabilities-remove-set | {"set":"CAP_MKNOD"}        | value.set     | must be an array of strings: "CAP_MKNOD"
      os/linux/seccomp-retain-set      | {"set":["mount"],"errno":"enotsup"} | value.errno | must be an upper-case errno name such as ENOTSUP: "enotsup"
      os/linux/seccomp-retain-set      | {"set":["mo unt"]}         | value.set[0]  | invalid syscall name or wildcard: "mo unt"
      os/linux/no-new-privileges       | "yes"                      | value         | must be true or false: "yes"
      os/linux/selinux-context         | {"user":"a:b","role":"r","type":"t","level":"l"} | value.user | must not contain ':': "a:b"
      os/linux/selinux-context         | {"user":"u","role":"r","type":"t"} | value.level | is required
      os/linux/apparmor-profile        | {}                         | value.profile | is required
      os/linux/oom-score-adj           | 1001                       | value         | must be in the range -1000..1000: 1001
      os/linux/oom-score-adj           | 1.5                        | value         | must be an integer: "1.5"
      os/linux/cpu-shares              | 1                          | value         | must be in the range 2..262144: 1
      os/unix/sysctl                   | {"a b":"1"}                | value["a b"]  | invalid sysctl name: "a b"
      os/unix/sysctl                   | {"kernel.x":"1\\n2"}       | value.kernel.x | a sysctl value must be one line: "1\\n2"
      """)
  void valueRules(String name, String value, String field, String problem) {
    InvalidManifestException e = assertThrows(InvalidManifestException.class,
        () -> isolators(name, value.replace("\\\\n", "\\n")));
    assertEquals("apps[0].app.isolators[0]." + field, e.jsonPath());
    assertEquals(problem.replace("\\\\n", "\\n"), e.problem() + (e.renderedValue() == null ? "" : ": "
        + e.renderedValue()));
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void setRules() {
    String two = PodJson.withApp(",\"isolators\":[{\"name\":\"os/linux/cpu-shares\",\"value\":2},"
        + "{\"name\":\"os/linux/cpu-shares\",\"value\":4}]");
    InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> PodJson.parse(two));
    assertEquals("apps[0].app.isolators[1].name", e.jsonPath());
    assertEquals("this isolator may appear only once", e.problem());

    String both = PodJson.withApp(",\"isolators\":[{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"set\":[\"a\"]}},"
        + "{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"set\":[\"b\"]}}]");
    e = assertThrows(InvalidManifestException.class, () -> PodJson.parse(both));
    assertEquals("cannot be combined with os/linux/seccomp-retain-set", e.problem());
  }

  @Test
  void repeatedResourcesAreAllowedAndTheLastCounts() throws Exception {
    Isolators list = PodJson.parse(PodJson.withApp(",\"isolators\":["
        + "{\"name\":\"resource/memory\",\"value\":{\"limit\":\"1G\"}},"
        + "{\"name\":\"resource/memory\",\"value\":{\"limit\":\"2G\"}}]")).apps().get(0).app().orElseThrow().isolators();
    assertEquals("2G", list.last(ResourceMemory.class).orElseThrow().limit().orElseThrow().text());
    assertEquals(Optional.empty(), list.last(ResourceCpu.class));
  }

  @Test
  void podLevelIsolators() throws Exception {
    PodManifest m = PodJson.parse(PodJson.pod("", "null").replace("\"isolators\":null",
        "\"isolators\":[{\"name\":\"os/unix/sysctl\",\"value\":{\"net.ipv4.ip_forward\":\"1\"}}]"));
    assertEquals("1", m.isolators().last(Sysctl.class).orElseThrow().values().get("net.ipv4.ip_forward"));
  }

  @Test
  void programmaticConstruction() {
    Isolator mem = Isolator.of(ResourceMemory.of("64M", "128M"));
    assertEquals("resource/memory", mem.name().value());
    assertThrows(InvalidValueException.class,
        () -> new Isolator(AcIdentifier.of("resource/cpu"), ResourceMemory.of("1", "1")));
    assertThrows(IllegalArgumentException.class, () -> Isolator.of(new UnknownIsolator("{}")));
    assertThrows(InvalidValueException.class, () -> new CpuShares(0));
    assertThrows(InvalidValueException.class, () -> new OomScoreAdj(-1001));
  }
}
