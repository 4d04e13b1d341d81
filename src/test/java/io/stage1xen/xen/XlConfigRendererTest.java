package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.host.GuestTypeRendering;
import io.stage1xen.inet.InterfaceName;
import io.stage1xen.inet.MacAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden files for representative pods; regenerate with -Dgolden.update=true and review the diff. */
class XlConfigRendererTest {

  static Stream<Arguments> pods() {
    Vif full = new Vif(Optional.of(new MacAddress("00:16:3e:5f:2a:01")), Optional.of(new InterfaceName("rkt-br0")),
        Optional.of("10.2.0.5"), Optional.of("vif-bridge"), Optional.of(new InterfaceName("rkt5f2a0")));
    Vif nat = new Vif(Optional.empty(), Optional.empty(), Optional.of("172.16.28.2"), Optional.of("vif-nat"),
        Optional.empty());
    return Stream.of(
        Arguments.of("pv-single-app.cfg", Fixtures.simple()),
        Arguments.of("pvh-several-apps.cfg", Fixtures.config(GuestTypeRendering.TYPE_PVH, 416, 2,
            List.of(Fixtures.appShare(0, "web"), Fixtures.appShare(1, "worker"), Fixtures.appShare(2, "redis")),
            List.of(), List.of())),
        Arguments.of("xen49-pvh-builder-hvm.cfg", Fixtures.config(GuestTypeRendering.BUILDER_HVM_NO_DM, 160, 1,
            List.of(Fixtures.appShare(0, "hello")), List.of(), List.of())),
        Arguments.of("xen49-pv-builder-generic.cfg", Fixtures.config(GuestTypeRendering.BUILDER_GENERIC, 160, 1,
            List.of(Fixtures.appShare(0, "hello")), List.of(), List.of())),
        // one share of each security model: an app's root (none), a volume on a filesystem with user extended
        // attributes, one on a filesystem without
        Arguments.of("volumes.cfg", Fixtures.config(GuestTypeRendering.TYPE_PVH, 224, 1,
            List.of(Fixtures.appShare(0, "db"),
                new P9Share("vol0", Fixtures.POD.resolve("xen/volumes/vol0"), P9SecurityModel.MAPPED_XATTR),
                new P9Share("vol1", Fixtures.POD.resolve("xen/volumes/vol1"), P9SecurityModel.MAPPED_FILE)),
            List.of(), List.of())),
        Arguments.of("networks.cfg", Fixtures.config(GuestTypeRendering.TYPE_PVH, 160, 1,
            List.of(Fixtures.appShare(0, "web")), List.of(full, nat), List.of())),
        Arguments.of("operator-extra-keys.cfg", Fixtures.config(GuestTypeRendering.TYPE_PV, 160, 1,
            List.of(Fixtures.appShare(0, "hello")), List.of(), List.of(
                XlSettingParser.parse("cpu_weight = 512", "host.conf:3 extra"),
                XlSettingParser.parse("cpus = \"2-3\"", "host.conf:4 extra"),
                XlSettingParser.parse("cpus_soft = [ \"0\", \"1\" ]", "annotation stage1-xen/xl-config line 1"),
                XlSettingParser.parse("disk = [ \"format=raw, vdev=xvda, target=/srv/a \\\"b\\\".img\" ]",
                    "annotation stage1-xen/xl-config line 2")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void matchesGolden(String golden, DomainConfig config) throws IOException {
    String text = XlConfigRenderer.render(config);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(Path.of("src/test/resources/xl", golden), text, StandardCharsets.UTF_8);
    }
    assertEquals(Fixtures.resource("/xl/" + golden), text);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void goldenReadsBackAsIntended(String golden, DomainConfig config) {
    Map<String, Object> cfg = XlCfgReader.read(XlConfigRenderer.render(config));
    assertEquals(config.name(), cfg.get("name"));
    assertEquals(config.kernel().toString(), cfg.get("kernel"));
    assertEquals(new XlCfgReader.Num(Long.toString(config.memoryMib())), cfg.get("memory"));
    assertEquals("destroy", cfg.get("on_reboot"));
    @SuppressWarnings("unchecked")
    List<String> channels = (List<String>) cfg.get("channel");
    assertEquals(Map.of("name", "stage1-xen-ctl", "connection", "socket",
        "path", Fixtures.POD.resolve("xen/ctl.sock").toString()), XlCfgReader.spec(channels.get(1)));
    for (String useless : List.of("vfb", "vnc", "serial", "sdl", "boot", "extra", "root")) {
      assertFalse(cfg.containsKey(useless), useless);
    }
    if (!config.p9().isEmpty()) {
      @SuppressWarnings("unchecked")
      List<String> p9 = (List<String>) cfg.get("p9");
      for (int i = 0; i < p9.size(); i++) {
        assertEquals(Map.of("tag", config.p9().get(i).tag(), "security_model",
            config.p9().get(i).securityModel().xlName(),
            "path", config.p9().get(i).path().toString()), XlCfgReader.spec(p9.get(i)));
      }
    }
  }

  @Test
  void typeLinesFollowTheRendering() {
    assertEquals("pvh", XlCfgReader.read(XlConfigRenderer.render(Fixtures.config(GuestTypeRendering.TYPE_PVH, 160,
        1, List.of(), List.of(), List.of()))).get("type"));
    Map<String, Object> xen49 = XlCfgReader.read(XlConfigRenderer.render(Fixtures.config(
        GuestTypeRendering.BUILDER_HVM_NO_DM, 160, 1, List.of(), List.of(), List.of())));
    assertEquals("hvm", xen49.get("builder"));
    assertEquals("none", xen49.get("device_model_version"));
    assertFalse(xen49.containsKey("type"));
  }

  @Test
  void noDeviceListsWhenThereAreNoDevices() {
    Map<String, Object> cfg = XlCfgReader.read(XlConfigRenderer.render(Fixtures.config(GuestTypeRendering.TYPE_PV,
        160, 1, List.of(), List.of(), List.of())));
    assertFalse(cfg.containsKey("p9"));
    assertFalse(cfg.containsKey("vif"));
    assertTrue(cfg.containsKey("channel"));
  }
}
