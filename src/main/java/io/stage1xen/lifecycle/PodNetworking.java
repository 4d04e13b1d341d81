package io.stage1xen.lifecycle;

import io.stage1xen.appc.App;
import io.stage1xen.appc.RuntimeApp;
import io.stage1xen.guest.InterfacePlan;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.inet.MacAddress;
import io.stage1xen.network.Attachment;
import io.stage1xen.network.PodNetwork;
import io.stage1xen.network.PortForward;
import io.stage1xen.network.PortForwards;
import io.stage1xen.network.Route;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.Pod;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.pod.RunParameters;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import io.stage1xen.xen.Vif;
import io.stage1xen.xen.Xl;
import io.stage1xen.xen.XlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the pod's networks meet its domain and its guest: one vif per network in xl.cfg (a MAC derived from the pod,
 * stage1-xen's own hotplug script), one interface per network in the plan, and the host's end of each vif once the
 * domain exists. The networking itself is {@link PodNetwork}'s.
 */
final class PodNetworking {
  private static final Logger LOG = LoggerFactory.getLogger(PodNetworking.class);
  /** Bundled in the image: the CNI host-local IPAM plugin (see DEPENDENCIES). */
  static final String HOST_LOCAL = "stage1-xen/cni/host-local";
  /** Bundled in the image: the vif hotplug script libxl runs (docs/NETWORKING.md). */
  static final String VIF_SCRIPT = "stage1-xen/libexec/vif-hotplug";

  private final PodNetwork network;
  private final Path script;
  private List<Attachment> attached = List.of();

  private PodNetworking(PodNetwork network, Path script) {
    this.network = network;
    this.script = script;
  }

  /** Reads and checks the networks and ports; nothing on the host changes. */
  static PodNetworking prepare(Pod pod, RunParameters params, Path localConfig, ProcessRunner runner)
      throws IOException {
    PodLayout layout = pod.layout();
    List<App> apps = new ArrayList<>();
    for (RuntimeApp ra : pod.manifest().apps()) {
      apps.add(pod.app(ra));
    }
    List<PortForward> forwards = PortForwards.resolve(pod.manifest().ports(), apps, layout.podManifest());
    Path stage1 = layout.stage1Rootfs().toAbsolutePath();
    PodNetwork network = PodNetwork.prepare(params.uuid().toString(), params.net(), localConfig, forwards,
        stage1.resolve(HOST_LOCAL), layout, runner);
    Path script = stage1.resolve(VIF_SCRIPT);
    if (!network.isEmpty() && !Files.isExecutable(script)) {
      throw new Stage1Failure("the vif hotplug script " + script + " is missing from the stage1 image");
    }
    if (network.isEmpty()) {
      LOG.debug("--net={}: the pod VM has loopback only", params.net());
    }
    return new PodNetworking(network, script);
  }

  /** One vif per network for the domain request: the derived MAC and stage1-xen's hotplug script. */
  List<Vif> vifs() {
    List<Vif> vifs = new ArrayList<>();
    for (MacAddress mac : network.macs()) {
      vifs.add(new Vif(Optional.of(mac), Optional.empty(), Optional.empty(), Optional.of(script.toString()),
          Optional.empty()));
    }
    return vifs;
  }

  /**
   * Allocates the addresses and adds the host rules that need no domain, and returns the plan with the interfaces
   * and, with {@code --dns-conf-mode=resolv=default}, the first network's DNS settings as resolv.conf.
   */
  PodPlan attach(PodPlan plan, DnsFiles dns) throws IOException, ProcessException, InterruptedException {
    attached = network.attach();
    if (attached.isEmpty()) {
      return plan;
    }
    List<InterfacePlan> nics = new ArrayList<>();
    for (Attachment a : attached) {
      List<InterfacePlan.RoutePlan> routes = new ArrayList<>();
      for (Route r : a.guestRoutes()) {
        routes.add(new InterfacePlan.RoutePlan(r.destination().toString(), r.via().map(Object::toString)
            .orElse(null)));
      }
      nics.add(new InterfacePlan(a.ifName().toString(), a.mac().toString(), a.result().address().toString(),
          a.config().mtu().orElse(0), !a.config().isPtp(), routes));
    }
    return plan.withNetworks(nics, dns.resolvConf(network.resolvConf()));
  }

  /** True when the pod's domain gets vifs, whose dom0 ends must be configured before the guest runs. */
  boolean hasVifs() {
    return !attached.isEmpty();
  }

  /** dom0's end of every vif, right after {@code xl create} returned (the guest has not configured its side yet). */
  void configureHost(Xl xl, String domain) throws XlException, ProcessException, InterruptedException {
    if (attached.isEmpty()) {
      return;
    }
    OptionalInt domid = xl.domid(domain);
    if (domid.isEmpty()) {
      throw new Stage1Failure("domain " + domain + " disappeared before its vifs could be configured");
    }
    network.configureVifs(domid.getAsInt());
  }

  /** Removes the pod's rules and releases its addresses; a vif's own addresses and routes went with the vif. */
  void release() {
    network.release();
  }

  /** gc: releases what a run recorded, also when the run was killed. */
  static void collect(PodLayout layout, ProcessRunner runner) throws IOException, InterruptedException {
    if (PodNetwork.collect(layout, runner)) {
      LOG.debug("networks of the pod in {} released", layout.root());
    }
  }
}
