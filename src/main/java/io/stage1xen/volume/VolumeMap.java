package io.stage1xen.volume;

import io.stage1xen.guest.MountPlan;
import io.stage1xen.guest.SharePlan;
import io.stage1xen.xen.P9SecurityModel;
import io.stage1xen.xen.P9Share;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod's trees as the VM sees them: each app's root filesystem (share {@code app<i>}, in pod order; a mutable pod
 * has the share of its added apps instead, {@link VolumeMapper#ADDED_TAG}), the volume
 * shares (in tag order) and, per app in pod order, the bind mounts the guest makes into the app (parents before the
 * mounts nested in them).
 */
public record VolumeMap(List<VolumeShare> roots, List<VolumeShare> shares, List<List<MountPlan>> appMounts) {

  public VolumeMap {
    roots = List.copyOf(roots);
    shares = List.copyOf(shares);
    List<List<MountPlan>> copy = new ArrayList<>();
    appMounts.forEach(m -> copy.add(List.copyOf(m)));
    appMounts = List.copyOf(copy);
  }

  /** Every share the domain gets: the apps' root filesystems, then the volumes. */
  List<VolumeShare> exports() {
    List<VolumeShare> out = new ArrayList<>(roots);
    out.addAll(shares);
    return out;
  }

  /** The p9 devices of the domain config, each with the security model chosen for its tree (by volume key). */
  public List<P9Share> p9Shares(Map<String, P9SecurityModel> models) {
    return exports().stream().map(s -> new P9Share(s.tag(), s.hostDir(), models.get(s.volume().key()))).toList();
  }

  /** The shares the guest mounts at boot; read-only ones (readOnlyRootFS too) are mounted read-only there too. */
  public List<SharePlan> sharePlans() {
    return exports().stream().map(s -> new SharePlan(s.tag(), s.guestPath(), s.readOnly())).toList();
  }

  public List<MountPlan> mounts(int app) {
    return app < appMounts.size() ? appMounts.get(app) : List.of();
  }

  /** Every tree once, in the order of their first share. */
  List<PodVolume> volumes() {
    Map<String, PodVolume> out = new LinkedHashMap<>();
    exports().forEach(s -> out.putIfAbsent(s.volume().key(), s.volume()));
    return List.copyOf(out.values());
  }
}
