package io.stage1xen.xen;

import java.util.List;

/**
 * Renders a {@link DomainConfig} as xl.cfg text that a person can read and start by hand with {@code xl create}.
 * Every string goes through {@link XlSyntax#quote}; every device-spec part was checked by {@link XlSyntax#specValue}
 * when its record was built.
 *
 * <p>{@code on_poweroff}, {@code on_reboot} and {@code on_crash} are all {@code destroy}: a pod ends when its guest
 * ends, however it ends. {@code restart} (xl's default for reboot) would run the apps a second time behind the
 * supervisor's back; {@code preserve} would keep a dead domain's memory allocated until someone destroys it; the
 * coredump actions fill dom0's disk. The supervisor learns how the apps ended over the control channel, not from
 * the domain's fate. No {@code vfb}, {@code vnc}, {@code serial} or {@code sdl}: the guest has no display and its
 * console is {@code hvc0}.
 */
public final class XlConfigRenderer {
  private XlConfigRenderer() {}

  public static String render(DomainConfig c) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Domain of a stage1-xen pod. Start it by hand with: xl create <absolute path of this file>\n");
    line(sb, "name", XlSyntax.quote("name", c.name()));
    switch (c.guestType()) {
      case TYPE_PV -> line(sb, "type", XlSyntax.quote("type", "pv"));
      case TYPE_PVH -> line(sb, "type", XlSyntax.quote("type", "pvh"));
      case BUILDER_GENERIC -> line(sb, "builder", XlSyntax.quote("builder", "generic"));
      case BUILDER_HVM_NO_DM -> {
        line(sb, "builder", XlSyntax.quote("builder", "hvm"));
        line(sb, "device_model_version", XlSyntax.quote("device_model_version", "none"));
      }
    }
    line(sb, "kernel", XlSyntax.quote("kernel", c.kernel().toString()));
    c.ramdisk().ifPresent(r -> line(sb, "ramdisk", XlSyntax.quote("ramdisk", r.toString())));
    line(sb, "cmdline", XlSyntax.quote("cmdline", c.cmdline()));
    line(sb, "memory", Long.toString(c.memoryMib()));
    line(sb, "maxmem", Long.toString(c.maxmemMib()));
    line(sb, "vcpus", Integer.toString(c.vcpus()));
    sb.append("# a pod never restarts itself: however the guest ends, the domain is destroyed\n");
    line(sb, "on_poweroff", XlSyntax.quote("on_poweroff", "destroy"));
    line(sb, "on_reboot", XlSyntax.quote("on_reboot", "destroy"));
    line(sb, "on_crash", XlSyntax.quote("on_crash", "destroy"));
    devices(sb, "p9", c.p9().stream().map(P9Share::spec).toList());
    devices(sb, "vif", c.vifs().stream().map(Vif::spec).toList());
    if (!c.channels().isEmpty()) {
      sb.append("# Xen 4.17 never connects the first channel to the guest: the control channel is entry 1 (hvc1)\n");
      devices(sb, "channel", c.channels().stream().map(Channel::spec).toList());
    }
    if (!c.extra().isEmpty()) {
      sb.append("# set by the operator (host.conf, pod annotations)\n");
      for (XlSetting s : c.extra()) {
        sb.append(s.render()).append('\n');
      }
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String key, String renderedValue) {
    sb.append(key).append(" = ").append(renderedValue).append('\n');
  }

  private static void devices(StringBuilder sb, String key, List<String> specs) {
    if (!specs.isEmpty()) {
      line(sb, key, XlSyntax.list(key, specs));
    }
  }
}
