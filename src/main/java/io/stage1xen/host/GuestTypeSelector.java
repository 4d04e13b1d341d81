package io.stage1xen.host;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses PV or PVH for a pod from the host facts and the operator's request. Pure: same input, same answer.
 *
 * <p>The rule (docs/XEN.md): the host can run HVM guests when xl's {@code virt_caps} contains {@code hvm} or its
 * {@code xen_caps} has an {@code hvm-*} entry; only when xl reports neither line is {@code /proc/cpuinfo}'s
 * {@code vmx}/{@code svm} consulted, because a PV dom0 normally does not see those flags. It can run PV guests
 * when {@code virt_caps} has {@code pv}, {@code xen_caps} has a {@code xen-*} entry, Xen is older than 4.12
 * (which never listed {@code pv}), or xl reports no capabilities at all. Automatic choice: PVH where HVM works (spelled {@code type="pvh"} from Xen
 * 4.10, {@code builder="hvm"} + {@code device_model_version="none"} on 4.9), PV otherwise.
 */
public final class GuestTypeSelector {
  private GuestTypeSelector() {}

  public static GuestTypeDecision decide(HostInfo host, GuestTypeRequest request) throws HostException {
    List<String> facts = facts(host, request);
    XenVersion v = host.xenVersion();
    if (!v.atLeast(XenVersion.MINIMUM)) {
      throw new HostException("Xen " + v + " is too old: stage1-xen needs Xen 4.9 or newer (p9= shares and PVH"
          + " guests arrived in 4.9)");
    }
    String hvm = hvmEvidence(host);
    String pv = pvEvidence(host);
    GuestType type;
    String reason;
    if (request.forced().isPresent()) {
      type = request.forced().get();
      if (type == GuestType.PVH && hvm == null) {
        throw new HostException("PVH was requested (" + request.source() + ") but this host cannot run HVM guests ("
            + String.join("; ", facts) + "); use pv or auto");
      }
      if (type == GuestType.PV && pv == null) {
        throw new HostException("PV was requested (" + request.source() + ") but this Xen cannot run PV guests ("
            + String.join("; ", facts) + "); use pvh or auto");
      }
      reason = "requested by " + request.source() + " and the host allows it (" + (type == GuestType.PVH ? hvm : pv)
          + ")";
    } else if (hvm != null) {
      type = GuestType.PVH;
      reason = "the host runs HVM guests (" + hvm + ")";
    } else if (pv != null) {
      type = GuestType.PV;
      reason = "the host cannot run HVM guests, so PVH is impossible; PV works (" + pv + ")";
    } else {
      throw new HostException("this Xen can run neither PV nor HVM guests (" + String.join("; ", facts) + ")");
    }
    GuestTypeRendering rendering = rendering(type, v);
    if (rendering == GuestTypeRendering.BUILDER_HVM_NO_DM) {
      reason += "; Xen " + v + " predates type=\"pvh\", so PVH is spelled builder=\"hvm\" device_model_version=\"none\"";
    }
    return new GuestTypeDecision(type, rendering, reason, facts);
  }

  private static GuestTypeRendering rendering(GuestType type, XenVersion v) {
    boolean hasTypeKey = v.atLeast(XenVersion.TYPE_PVH);
    if (type == GuestType.PVH) {
      return hasTypeKey ? GuestTypeRendering.TYPE_PVH : GuestTypeRendering.BUILDER_HVM_NO_DM;
    }
    return hasTypeKey ? GuestTypeRendering.TYPE_PV : GuestTypeRendering.BUILDER_GENERIC;
  }

  /** Why the host can run HVM guests, or null when it cannot. */
  private static String hvmEvidence(HostInfo host) {
    if (host.virtCaps().contains("hvm")) {
      return "xl virt_caps has hvm";
    }
    if (host.xenCapsHvm()) {
      return "xl xen_caps has an hvm entry";
    }
    if (!host.xlReportsCapabilities() && host.cpu().hardwareVirtualization()) {
      return "xl reports no capabilities and cpuinfo has " + (host.cpu().vmx() ? "vmx" : "svm");
    }
    return null;
  }

  /** Why the host can run PV guests, or null when it cannot. */
  private static String pvEvidence(HostInfo host) {
    if (host.virtCaps().contains("pv")) {
      return "xl virt_caps has pv";
    }
    if (host.xenCapsPv()) {
      return "xl xen_caps has a xen-3.0 entry";
    }
    if (!host.xenVersion().atLeast(XenVersion.VIRT_CAPS_PV)) {
      return "Xen " + host.xenVersion() + " always runs PV guests";
    }
    if (!host.xlReportsCapabilities()) {
      return "xl reports no capabilities; PV, x86 Xen's default guest type, is assumed";
    }
    return null;
  }

  private static List<String> facts(HostInfo host, GuestTypeRequest request) {
    List<String> facts = new ArrayList<>();
    facts.add("Xen " + host.xenVersion());
    facts.add("virt_caps: " + (host.virtCaps().isEmpty() ? "(none)" : String.join(" ", host.virtCaps())));
    facts.add("xen_caps: " + (host.xenCaps().isEmpty() ? "(none)" : String.join(" ", host.xenCaps())));
    facts.add(host.cpu().describe());
    facts.add("request: " + request.source());
    return facts;
  }
}
