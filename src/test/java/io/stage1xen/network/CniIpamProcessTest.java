package io.stage1xen.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stage1xen.process.SystemProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IPAM call through a real process: a fake plugin script that records its environment and stdin. */
class CniIpamProcessTest {
  @TempDir Path tmp;

  @Test
  void thePluginGetsTheCniEnvironmentAndTheConfigurationOnStdin() throws Exception {
    Path plugin = tmp.resolve("host-local");
    Files.writeString(plugin, "#!/bin/sh\nenv | grep '^CNI_' | sort > \"$0.env\"\ncat > \"$0.stdin\"\n"
        + "echo '{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.1.0.2/24\"}]}'\n");
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
    CniCall call = new CniCall(plugin.toString(), "pod-1", "xen-domain:rkt-pod-1", "eth1", "IP=10.1.0.2",
        "{\"name\":\"a\"}");
    IpamResult r = new CniIpam(new SystemProcessRunner(Map.of("PATH", "/usr/bin:/bin")), Duration.ofSeconds(20))
        .add(call, "a");
    assertEquals("10.1.0.2/24", r.address().toString());
    assertEquals("10.1.0.1", new Attachment(1, null, null, call, r).gateway().toString());
    assertEquals("{\"name\":\"a\"}", Files.readString(tmp.resolve("host-local.stdin")));
    assertEquals("CNI_ARGS=IP=10.1.0.2\nCNI_COMMAND=ADD\nCNI_CONTAINERID=pod-1\nCNI_IFNAME=eth1\n"
        + "CNI_NETNS=xen-domain:rkt-pod-1\nCNI_PATH=" + tmp + "\n", Files.readString(tmp.resolve("host-local.env")));
  }
}
