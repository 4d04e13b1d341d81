package io.stage1xen.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stage1xen.pod.DnsConfMode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** rkt's precedence for resolv.conf: --dns and friends, then the networks' DNS, then the app's own file. */
class DnsFilesTest {
  private static final Optional<String> NET = Optional.of("nameserver 172.16.28.1\n");

  @Test
  void theNetworksDnsOnlyWithResolvDefault() {
    assertEquals(NET.get(), new DnsFiles(DnsConfMode.DEFAULT, null, null).resolvConf(NET));
    assertNull(new DnsFiles(DnsConfMode.DEFAULT, null, null).resolvConf(Optional.empty()), "the app's own stays");
    assertNull(new DnsFiles(DnsConfMode.parse("resolv=none,hosts=default"), null, null).resolvConf(NET),
        "--dns=none ignores what the network says");
  }

  @Test
  void dnsFlagsWin() {
    assertEquals("nameserver 9.9.9.9\n", new DnsFiles(DnsConfMode.parse("resolv=stage0,hosts=default"), null,
        "nameserver 9.9.9.9\n").resolvConf(NET));
    assertEquals("host's\n", new DnsFiles(DnsConfMode.parse("resolv=host,hosts=default"), null, "host's\n")
        .resolvConf(NET));
  }
}
