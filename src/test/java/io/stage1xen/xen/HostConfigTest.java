package io.stage1xen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.host.GuestType;
import io.stage1xen.outcome.Stage1Failure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostConfigTest {
  @TempDir Path localConfig;

  @Test
  void missingFileMeansDefaults() throws IOException {
    HostConfig c = HostConfig.load(localConfig);
    assertEquals(ResourcePolicy.DEFAULTS.limits().maxMemoryMib(), c.resources().limits().maxMemoryMib());
    assertEquals(HostConfig.location(localConfig).toString(), c.resources().limits().where(),
        "a refusal says which file to create to raise a limit");
    assertTrue(c.guestType().forced().isEmpty());
    assertEquals(Duration.ofSeconds(60), c.xlTimeout());
    assertEquals(HostVolumeOwnership.MAPPED, c.hostVolumeOwnership(), "host volumes are safe unless asked");
    assertTrue(c.source().endsWith("stage1-xen/host.conf (absent: defaults)"), c.source());
  }

  @Test
  void readsEverySetting() throws IOException {
    Path file = HostConfig.location(localConfig);
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n",
        "# stage1-xen host settings",
        "",
        "guest-type = pv",
        "memory-overhead-mib = 112",
        "default-app-memory-mib = 48",
        "min-memory-mib = 160",
        "default-vcpus = 2",
        "max-vcpus = 4",
        "max-memory-mib = 2048",
        "max-shares = 12",
        "   kernel = /opt/guest/vmlinux   ",
        "initrd = /opt/guest/initrd.img",
        "readiness-timeout-seconds = 30",
        "xl-timeout-seconds = 90",
        "host-volume-ownership = passthrough",
        "extra = cpu_weight = 512",
        "extra = cpus = \"2-7\"",
        "allow-key = disk",
        "extra = disk = [ \"format=raw,vdev=xvdb,target=/srv/shared.img\" ]",
        ""));
    HostConfig c = HostConfig.load(localConfig);
    assertEquals(Optional.of(GuestType.PV), c.guestType().forced());
    assertEquals(file + " guest-type=pv", c.guestType().source());
    assertEquals(new ResourcePolicy(112, 48, 160, 2, new PodLimits(2048, 4, 12, file.toString())), c.resources());
    assertEquals(Optional.of(Path.of("/opt/guest/vmlinux")), c.kernel());
    assertEquals(Optional.of(Path.of("/opt/guest/initrd.img")), c.initrd());
    assertEquals(Duration.ofSeconds(30), c.readinessTimeout());
    assertEquals(Duration.ofSeconds(90), c.xlTimeout());
    assertEquals(List.of("cpu_weight = 512", "cpus = \"2-7\"",
        "disk = [ \"format=raw,vdev=xvdb,target=/srv/shared.img\" ]"),
        c.extra().stream().map(XlSetting::render).toList());
    assertEquals(HostVolumeOwnership.PASSTHROUGH, c.hostVolumeOwnership());
    assertEquals(file + ":16 extra", c.extra().get(0).source());
    assertEquals(Set.of("disk"), c.allowedKeys());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "memory = 512|host.conf:1: unknown setting 'memory' (known: guest-type,",
      "guest-type = hvm|host.conf guest-type has invalid value 'hvm'",
      "min-memory-mib = 0|host.conf:1 min-memory-mib: 0 is outside 1..",
      "default-vcpus = two|host.conf:1 default-vcpus: 'two' is not a whole number",
      "kernel = vmlinuz|host.conf:1 kernel: 'vmlinuz' is not an absolute path",
      "kernel =|host.conf:1: setting 'kernel' has no value",
      "just words|host.conf:1: expected 'key = value'",
      "extra = pci = [ \"01:00.0\" ]|host.conf:1 extra: key 'pci' hands the domain host PCI devices",
      "extra = memory = 4096|host.conf:1 extra: key 'memory' is written by stage1-xen itself",
      "allow-key = vcpus|host.conf:1 allow-key: 'vcpus' is written by stage1-xen itself and cannot be allowed",
      "allow-key = Bad-Key|host.conf:1 allow-key: 'Bad-Key' is not an xl.cfg key",
      "extra = cpus = 0x3|host.conf:1 extra cpus: value has text after the value",
      "max-memory-mib = 0|host.conf:1 max-memory-mib: 0 is outside 1..1073741824",
      "max-memory-mib = -5|host.conf:1 max-memory-mib: -5 is outside 1..1073741824",
      "max-memory-mib = 4G|host.conf:1 max-memory-mib: '4G' is not a whole number",
      "max-memory-mib = 1073741825|host.conf:1 max-memory-mib: 1073741825 is outside 1..1073741824",
      "max-vcpus = 0|host.conf:1 max-vcpus: 0 is outside 1..4096",
      "max-vcpus = 4097|host.conf:1 max-vcpus: 4097 is outside 1..4096",
      "max-shares = 0|host.conf:1 max-shares: 0 is outside 1..4096",
      "max-shares = many|host.conf:1 max-shares: 'many' is not a whole number",
      "max-shares =|host.conf:1: setting 'max-shares' has no value",
      "max-memory-mib = 50|min-memory-mib 64 is more than max-memory-mib 50 (host.conf)",
      "default-vcpus = 9|default-vcpus 9 is more than max-vcpus 8 (host.conf)",
      "host-volume-ownership = none|host.conf:1 host-volume-ownership: 'none' is not one of mapped, passthrough",
      "host-volume-ownership = Passthrough|host.conf:1 host-volume-ownership: 'Passthrough' is not one of"})
  void refusesWithFileLineAndValue(String line, String message) {
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> HostConfig.parse(line + "\n", "host.conf"));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  /** The pod limits' keys: line, then what the policy holds (max memory MiB, max vCPUs, max shares). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "# no limit set|4096|8|24",
      "max-memory-mib = 512|512|8|24",
      "max-memory-mib = 128|128|8|24",
      "max-vcpus = 1|4096|1|24",
      "max-vcpus = 4096|4096|4096|24",
      "max-shares = 1|4096|8|1",
      "max-shares = 4096|4096|8|4096",
      "max-memory-mib = 1073741824|1073741824|8|24"})
  void readsThePodLimits(String line, long memory, int vcpus, int shares) {
    PodLimits limits = HostConfig.parse(line + "\n", "/etc/rkt/stage1-xen/host.conf").resources().limits();
    assertEquals(new PodLimits(memory, vcpus, shares, "/etc/rkt/stage1-xen/host.conf"), limits);
  }

  @Test
  void repeatsAreRefusedExceptForExtraAndAllowKey() {
    Stage1Failure e = assertThrows(Stage1Failure.class,
        () -> HostConfig.parse("kernel = /a\nkernel = /b\n", "host.conf"));
    assertEquals("host.conf:2: setting 'kernel' is given twice", e.getMessage());
    Stage1Failure twice = assertThrows(Stage1Failure.class,
        () -> HostConfig.parse("extra = cpus = \"1\"\nextra = cpus = \"2\"\n", "host.conf"));
    assertEquals("host.conf:2 extra: xl key 'cpus' is set twice", twice.getMessage());
  }

  @Test
  void allowKeyMayFollowTheExtraLine() {
    HostConfig c = HostConfig.parse("extra = pci = [ \"01:00.0\" ]\nallow-key = pci\n", "host.conf");
    assertEquals("pci = [ \"01:00.0\" ]", c.extra().get(0).render());
  }

  @Test
  void invalidUtf8IsRefused() throws IOException {
    Path file = HostConfig.location(localConfig);
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[] {'k', 'e', 'r', 'n', 'e', 'l', '=', '/', (byte) 0xff, '\n'});
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> HostConfig.load(localConfig));
    assertEquals(file + ": not valid UTF-8", e.getMessage());
  }
}
