package io.stage1xen.xen;

import io.stage1xen.host.GuestTypeDecision;
import io.stage1xen.host.GuestTypeSelector;
import io.stage1xen.host.HostException;
import io.stage1xen.host.HostInfo;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a pod's needs, the operator's settings and the host's facts into the domain to create. */
public final class DomainPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(DomainPlanner.class);

  private DomainPlanner() {}

  /**
   * Decides the guest type and size and builds the validated config. The only I/O is checking that the kernel and
   * initrd exist, so that a wrong path fails here with its source named instead of deep inside xl. Every decision
   * is logged at debug level (--debug), the isolator report at info level.
   */
  public static DomainPlan plan(DomainRequest request, OperatorSettings settings, HostInfo host)
      throws HostException {
    GuestTypeDecision type = GuestTypeSelector.decide(host, settings.guestType());
    DomainResources resources = ResourcePlanner.plan(request.resources(), request.shares().size(),
        settings.resources(), settings.overrides(), host, request.isolatorsEnforcedInGuest());
    requireFile("guest kernel", settings.kernel());
    settings.initrd().ifPresent(p -> requireFile("guest initrd", p));
    DomainConfig config = new DomainConfig(
        DomainName.forPod(request.podUuid()),
        type.rendering(),
        settings.kernel(),
        settings.initrd(),
        request.cmdline(),
        resources.memoryMib(),
        resources.maxmemMib(),
        resources.vcpus(),
        request.shares(),
        request.vifs(),
        Channel.forControl(request.xenDir()),
        settings.extra());
    DomainPlan plan = new DomainPlan(config, type, resources);
    plan.debugLines().forEach(line -> LOG.debug("{}", line));
    // the appc spec wants the user told what became of every isolator
    plan.isolatorLines().forEach(line -> LOG.info("{}", line));
    return plan;
  }

  private static void requireFile(String what, Path p) {
    if (!Files.isRegularFile(p)) {
      throw new Stage1Failure(what + " " + p + " does not exist or is not a file");
    }
  }
}
