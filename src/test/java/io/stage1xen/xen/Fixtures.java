package io.stage1xen.xen;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.host.CpuFlags;
import io.stage1xen.host.GuestTypeRendering;
import io.stage1xen.host.HostInfo;
import io.stage1xen.host.XenVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Shared test inputs: a pod directory in rkt's default layout and the measured Xen 4.17 host. */
final class Fixtures {
  static final String UUID = "5f2a6c1e-8d3b-4a7e-9c10-2b4d6e8f0a13";
  static final PodUuid POD_UUID = PodUuid.of(UUID);
  static final Path POD = Path.of("/var/lib/rkt/pods/run", UUID);
  static final Path STAGE1 = POD.resolve("stage1/rootfs");
  static final Path KERNEL = STAGE1.resolve("stage1-xen/guest/kernel");
  static final Path INITRD = STAGE1.resolve("stage1-xen/guest/initrd");
  static final String CMDLINE = "console=hvc0 quiet s1x.ctl=/dev/hvc1 s1x.transport=xen";

  /** Xen 4.17.7 as measured (2 CPUs, 4544 MiB free), PV dom0 that hides svm. */
  static final HostInfo XEN_417 = new HostInfo(XenVersion.parse("4.17.7"),
      Set.of("pv", "hvm", "hap", "gnttab-v1", "gnttab-v2"),
      List.of("xen-3.0-x86_64", "hvm-3.0-x86_32", "hvm-3.0-x86_32p", "hvm-3.0-x86_64"), 2, OptionalLong.of(4544), 6143,
      new CpuFlags("AuthenticAMD", Set.of("fpu", "hypervisor")));

  private Fixtures() {}

  static HostInfo host(int cpus, long freeMib) {
    return new HostInfo(XEN_417.xenVersion(), XEN_417.virtCaps(), XEN_417.xenCaps(), cpus, OptionalLong.of(freeMib), freeMib * 2,
        XEN_417.cpu());
  }

  static P9Share appShare(int i, String app) {
    return new P9Share("app" + i, POD.resolve("xen/volumes/app" + i), P9SecurityModel.NONE);
  }

  static DomainConfig config(GuestTypeRendering type, long memory, int vcpus, List<P9Share> p9, List<Vif> vifs,
      List<XlSetting> extra) {
    return new DomainConfig(DomainName.forPod(POD_UUID), type, KERNEL, Optional.of(INITRD), CMDLINE, memory, memory,
        vcpus, p9, vifs, Channel.forControl(POD.resolve("xen")), extra);
  }

  static DomainConfig simple() {
    return config(GuestTypeRendering.TYPE_PV, 160, 1, List.of(appShare(0, "hello")), List.of(), List.of());
  }

  static String resource(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
