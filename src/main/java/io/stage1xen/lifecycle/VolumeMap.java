package io.stage1xen.lifecycle;

import io.stage1xen.guest.MountPlan;
import io.stage1xen.guest.SharePlan;
import io.stage1xen.xen.P9Share;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod's volumes as the VM sees them: the shares (in tag order) and, per app in pod order, the bind mounts the
 * guest makes into the app (parents before the mounts nested in them).
 */
record VolumeMap(List<VolumeShare> shares, List<List<MountPlan>> appMounts) {

  VolumeMap {
    shares = List.copyOf(shares);
    List<List<MountPlan>> copy = new ArrayList<>();
    appMounts.forEach(m -> copy.add(List.copyOf(m)));
    appMounts = List.copyOf(copy);
  }

  /** The p9 devices of the domain config, after the apps' own. */
  List<P9Share> p9Shares() {
    return shares.stream().map(s -> new P9Share(s.tag(), s.hostDir())).toList();
  }

  /** The shares the guest mounts at boot; read-only ones are mounted read-only there too. */
  List<SharePlan> sharePlans() {
    return shares.stream().map(s -> new SharePlan(s.tag(), s.guestPath(), s.readOnly())).toList();
  }

  List<MountPlan> mounts(int app) {
    return app < appMounts.size() ? appMounts.get(app) : List.of();
  }

  /** Every volume once, in the order of their first share. */
  List<PodVolume> volumes() {
    Map<String, PodVolume> out = new LinkedHashMap<>();
    shares.forEach(s -> out.putIfAbsent(s.volume().key(), s.volume()));
    return List.copyOf(out.values());
  }
}
