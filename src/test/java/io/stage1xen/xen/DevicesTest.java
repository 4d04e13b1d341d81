package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.host.GuestTypeRendering;
import io.stage1xen.inet.InterfaceName;
import io.stage1xen.inet.MacAddress;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DevicesTest {

  private static void refused(Supplier<?> build, String message) {
    Stage1Failure e = assertThrows(Stage1Failure.class, build::get);
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void domainNameIsDerivedFromThePodUuid() {
    assertEquals("rkt-5f2a6c1e-8d3b-4a7e-9c10-2b4d6e8f0a13", DomainName.forPod(Fixtures.POD_UUID));
    // only a PodUuid names a domain, and its own rules refuse these
    refused(() -> DomainName.forPod(PodUuid.of("5F2A6C1E-8D3B-4A7E-9C10-2B4D6E8F0A13")), "lower-case 8-4-4-4-12");
    refused(() -> DomainName.forPod(PodUuid.of("../../etc")), "lower-case 8-4-4-4-12");
    refused(() -> DomainName.check("x".repeat(65)), "domain name");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "app 0|p9 tag 'app 0' is invalid",
      "a23456789012345678901234567890123|is invalid",
      "app,0|is invalid"})
  void p9TagsAreShortAndPlain(String tag, String message) {
    refused(() -> new P9Share(tag, Path.of("/x"), P9SecurityModel.MAPPED_XATTR), message);
  }

  @Test
  void p9PathsMustBeAbsoluteAndFitTheSpec() {
    refused(() -> new P9Share("app0", Path.of("rel/dir"), P9SecurityModel.MAPPED_XATTR), "must be absolute");
    refused(() -> new P9Share("app0", Path.of("/srv/a,b"), P9SecurityModel.MAPPED_XATTR), "p9 share app0 path: value '/srv/a,b' contains ','");
  }

  @ParameterizedTest
  @ValueSource(strings = {"00:16:3E:00:00:01", "00:16:3e:00:00", "00-16-3e-00-00-01", "0:16:3e:00:00:01"})
  void vifMacsAreChecked(String mac) {
    refused(() -> new Vif(Optional.of(MacAddress.parse(mac, "vif mac")), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty()), "vif mac: is not a MAC address");
  }

  @Test
  void vifFieldsAreChecked() {
    refused(() -> new Vif(Optional.empty(), Optional.of(InterfaceName.parse("a-bridge-name-too-long", "vif bridge")),
        Optional.empty(), Optional.empty(), Optional.empty()),
        "vif bridge: is not a Linux interface name (1 to 15 of A-Z a-z 0-9 _ . -): \"a-bridge-name-too-long\"");
    refused(() -> new Vif(Optional.empty(), Optional.empty(), Optional.of("10.0.0.1,mac=x"), Optional.empty(),
        Optional.empty()), "vif ip");
    refused(() -> new Vif(Optional.empty(), Optional.empty(), Optional.of("10.0.0.1 evil"), Optional.empty(),
        Optional.empty()), "is not IP addresses");
    refused(() -> new Vif(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("vif-x,bridge=y"),
        Optional.empty()), "vif script");
    assertEquals("", Vif.bridged(new InterfaceName("xenbr0")).spec().replace("bridge=xenbr0", ""));
  }

  @Test
  void channelSocketsMustFitSunPath() {
    Path longDir = Path.of("/" + "d".repeat(100));
    refused(() -> Channel.forControl(longDir), "longer than the 107 bytes a UNIX socket path may have");
    assertEquals(List.of("stage1-xen-unused", "stage1-xen-ctl"),
        Channel.forControl(Path.of("/p/xen")).stream().map(Channel::name).toList());
  }

  private static DomainConfig config(String cmdline, long memory, long maxmem, int vcpus, List<P9Share> p9,
      List<XlSetting> extra) {
    return new DomainConfig(DomainName.forPod(Fixtures.POD_UUID), GuestTypeRendering.TYPE_PV, Fixtures.KERNEL,
        Optional.empty(), cmdline, memory, maxmem, vcpus, p9, List.of(), List.of(), extra);
  }

  @Test
  void domainConfigRefusesInconsistentValues() {
    refused(() -> config("console=hvc0 \"x", 128, 128, 1, List.of(), List.of()), "kernel command line");
    refused(() -> config("init=/bin/sh; reboot", 128, 128, 1, List.of(), List.of()), "pod data never goes");
    refused(() -> config("", 0, 0, 1, List.of(), List.of()), "memory 0 MiB");
    refused(() -> config("", 128, 64, 1, List.of(), List.of()), "maxmem 64 MiB must be between");
    refused(() -> config("", 128, 128, 0, List.of(), List.of()), "vcpus 0");
    refused(() -> config("", 128, 128, 1, List.of(new P9Share("a", Path.of("/x"), P9SecurityModel.NONE),
        new P9Share("a", Path.of("/y"), P9SecurityModel.MAPPED_FILE)), List.of()), "duplicate p9 tag 'a'");
    XlSetting mem = new XlSetting("memory", new XlValue.Number(4096), "annotation stage1-xen/xl-config line 1");
    refused(() -> config("", 128, 128, 1, List.of(), List.of(mem)), "key 'memory' is written by stage1-xen itself");
    XlSetting w = new XlSetting("cpu_weight", new XlValue.Number(1), "a");
    refused(() -> config("", 128, 128, 1, List.of(), List.of(w, w)), "duplicate extra xl key 'cpu_weight'");
    refused(() -> new DomainConfig("rkt-x", GuestTypeRendering.TYPE_PV, Path.of("vmlinuz"), Optional.empty(), "",
        128, 128, 1, List.of(), List.of(), List.of(), List.of()), "kernel path 'vmlinuz' must be absolute");
  }
}
