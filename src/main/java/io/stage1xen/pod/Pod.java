package io.stage1xen.pod;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.ImageManifest;
import io.stage1xen.appc.PodManifest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A validated pod: its directory, its manifest, and the image manifest of every app, in pod order. */
public record Pod(PodLayout layout, PodManifest manifest, Map<AcName, ImageManifest> images) {
  public Pod {
    if (layout == null || manifest == null || images == null) {
      throw new IllegalArgumentException("layout, manifest and images are required");
    }
    for (AcName app : manifest.appNames()) {
      if (!images.containsKey(app)) {
        throw new IllegalArgumentException("no image manifest for app " + app);
      }
    }
    images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
  }

  public ImageManifest image(AcName app) {
    ImageManifest m = images.get(app);
    if (m == null) {
      throw new IllegalArgumentException("no app " + app + " in the pod");
    }
    return m;
  }
}
