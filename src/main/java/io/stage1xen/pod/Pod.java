package io.stage1xen.pod;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.App;
import io.stage1xen.appc.ImageManifest;
import io.stage1xen.appc.PodManifest;
import io.stage1xen.appc.RuntimeApp;
import io.stage1xen.outcome.Stage1Failure;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A validated pod: its directory, its manifest, and the image manifest of every app, in pod order. */
public record Pod(PodLayout layout, PodManifest manifest, Map<AcName, ImageManifest> images) {
  public Pod {
    if (layout == null || manifest == null || images == null) {
      throw new Stage1Failure("layout, manifest and images are required");
    }
    for (AcName app : manifest.appNames()) {
      if (!images.containsKey(app)) {
        throw new Stage1Failure("no image manifest for app " + app);
      }
    }
    images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
  }

  public ImageManifest image(AcName app) {
    ImageManifest m = images.get(app);
    if (m == null) {
      throw new Stage1Failure("no app " + app + " in the pod");
    }
    return m;
  }

  /** The effective app of a runtime app: the pod manifest's override, else the image's; it must have an exec. */
  public App app(RuntimeApp runtimeApp) {
    Optional<App> app = runtimeApp.app().or(() -> image(runtimeApp.name()).app());
    App a = app.orElseThrow(() -> new Stage1Failure(layout.podManifest() + ": app '"
        + runtimeApp.name() + "' has no exec: neither the pod manifest nor its image defines an app section"));
    if (a.exec().isEmpty()) {
      throw new Stage1Failure(layout.podManifest() + ": app '" + runtimeApp.name()
          + "' has an empty exec: nothing to run");
    }
    return a;
  }
}
