package io.stage1xen.xen;

import io.stage1xen.outcome.Stage1Failure;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** The apps' requests and the pod-level limits that bound them, with the pod-level isolator names. */
public record PodResourceRequest(List<AppResourceRequest> apps, OptionalLong podMemoryLimitBytes,
    OptionalLong podCpuLimitMillis, List<String> podIsolators) {

  public PodResourceRequest {
    apps = List.copyOf(apps);
    Set<String> names = new HashSet<>();
    for (AppResourceRequest a : apps) {
      if (!names.add(a.appName())) {
        throw new Stage1Failure("app '" + a.appName() + "' appears twice");
      }
    }
    podMemoryLimitBytes = AppResourceRequest.positive("pod", "resource/memory limit", podMemoryLimitBytes);
    podCpuLimitMillis = AppResourceRequest.positive("pod", "resource/cpu limit", podCpuLimitMillis);
    podIsolators = List.copyOf(podIsolators);
  }

  public static PodResourceRequest of(List<AppResourceRequest> apps) {
    return new PodResourceRequest(apps, OptionalLong.empty(), OptionalLong.empty(), List.of());
  }
}
