package io.stage1xen.xen;

import io.stage1xen.host.GuestTypeDecision;
import java.util.ArrayList;
import java.util.List;

/** The domain to create and the decisions behind it. */
public record DomainPlan(DomainConfig config, GuestTypeDecision guestType, DomainResources resources) {

  /** Every decision, one line each, for --debug. */
  public List<String> debugLines() {
    List<String> lines = new ArrayList<>();
    lines.add(guestType.describe());
    lines.addAll(resources.explanation());
    lines.add("domain " + config.name() + ": " + config.memoryMib() + " MiB, " + config.vcpus() + " vCPU(s), kernel "
        + config.kernel() + config.ramdisk().map(r -> ", initrd " + r).orElse("") + ", " + config.p9().size()
        + " p9 share(s), " + config.vifs().size() + " vif(s), " + config.extra().size() + " operator xl key(s)");
    for (XlSetting s : config.extra()) {
      lines.add("operator xl key " + s.key() + " from " + s.source());
    }
    return lines;
  }

  /** What became of each isolator: the appc spec wants the user told, so log these at info level. */
  public List<String> isolatorLines() {
    return resources.isolators().stream().map(IsolatorReport::describe).toList();
  }
}
