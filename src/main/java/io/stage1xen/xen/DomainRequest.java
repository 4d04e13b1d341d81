package io.stage1xen.xen;

import io.stage1xen.appc.PodUuid;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the pod needs from its domain, in neutral terms (the caller translates the pod manifest into these).
 *
 * @param podUuid the pod's UUID; the domain is named {@code rkt-<uuid>}
 * @param xenDir the pod's directory for Xen files ({@code <pod>/xen}): the control socket lives there
 * @param cmdline the guest kernel command line: fixed words only, never pod data
 * @param shares the 9pfs shares (app root filesystems, volumes)
 * @param vifs the network interfaces
 * @param resources the apps' resource requests and isolator names
 * @param isolatorsEnforcedInGuest the isolators the guest init applies, for the isolator report
 */
public record DomainRequest(PodUuid podUuid, Path xenDir, String cmdline, List<P9Share> shares, List<Vif> vifs,
    PodResourceRequest resources, Set<String> isolatorsEnforcedInGuest) {

  public DomainRequest {
    Objects.requireNonNull(podUuid, "podUuid");
    Objects.requireNonNull(xenDir, "xenDir");
    Objects.requireNonNull(cmdline, "cmdline");
    shares = List.copyOf(shares);
    vifs = List.copyOf(vifs);
    Objects.requireNonNull(resources, "resources");
    isolatorsEnforcedInGuest = Set.copyOf(isolatorsEnforcedInGuest);
  }
}
