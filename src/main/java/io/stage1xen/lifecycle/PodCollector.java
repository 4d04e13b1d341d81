package io.stage1xen.lifecycle;

import io.stage1xen.appc.LenientPodManifest;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.pod.GcParameters;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.pod.PodLoader;
import io.stage1xen.volume.PodVolumes;
import io.stage1xen.xen.DomainName;
import io.stage1xen.xen.DomainOutcome;
import io.stage1xen.xen.Xl;
import io.stage1xen.xen.XlMissingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gc entrypoint: releases everything stage1-xen holds for a pod outside its directory, and the volumes' mounts
 * and files inside it (rkt deletes the directory itself afterwards). Idempotent, and tolerant of pods that never
 * ran, whose run crashed, or whose manifest no longer validates: the domain is found by the name derived from the
 * pod's uuid, the volumes by the mount table, nothing else.
 */
final class PodCollector {
  private static final Logger LOG = LoggerFactory.getLogger(PodCollector.class);

  private final Stage1Environment env;
  private final Xl xl;

  PodCollector(Stage1Environment env, Xl xl) {
    this.env = env;
    this.xl = xl;
  }

  Outcome gc(GcParameters params) throws Exception {
    PodLayout layout = PodLayout.of(env.workingDirectory());
    layout.uuid().filter(u -> !u.equals(params.uuid())).ifPresent(u -> LOG.warn(
        "gc of pod {} runs in the directory of pod {}; collecting {}", params.uuid(), u, params.uuid()));
    LenientPodManifest manifest = PodLoader.loadLenient(layout);
    manifest.problems().forEach(p -> LOG.debug("pod manifest (read leniently): {}", p));

    String name = DomainName.forPod(params.uuid());
    try {
      if (xl.domid(name).isPresent()) {
        DomainOutcome outcome = xl.destroy(name);
        LOG.info("destroyed leftover domain {} of pod {} ({})", name, params.uuid(), outcome);
      } else {
        LOG.debug("no domain {} left", name);
      }
      new OrphanDeviceModels(env, xl, name).reap(layout.xlCreateLog());
    } catch (XlMissingException e) {
      // without xl there is no Xen here, so no domain either; the rest is still collected
      LOG.warn("{}; assuming no domain of pod {} is left", e.getMessage(), params.uuid());
    }
    try {
      PodNetworking.collect(layout, env.processes());
    } catch (IOException e) {
      LOG.warn("could not release the networks of pod {}: {}", params.uuid(), e.getMessage());
    }
    removeSockets(layout);
    PodVolumes.of(env.processes(), env.mountinfo(), layout).remove();
    return Outcome.SUCCEEDED;
  }

  /** The control sockets die with QEMU; stale ones would only confuse a person looking at the pod. */
  private static void removeSockets(PodLayout layout) throws IOException {
    Path xen = layout.xenDirectory();
    if (!Files.isDirectory(xen)) {
      return;
    }
    for (Path p : List.of(layout.controlSocket(), xen.resolve("unused.sock"))) {
      Files.deleteIfExists(p);
    }
  }
}
