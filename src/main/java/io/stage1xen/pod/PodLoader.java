package io.stage1xen.pod;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.AppcJson;
import io.stage1xen.appc.ImageManifest;
import io.stage1xen.appc.LenientPodManifest;
import io.stage1xen.appc.PodManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a pod from its directory. Every failure names the file it comes from (and, for content, the JSON path,
 * position and value), so the one-line error tells the user exactly what to look at.
 */
public final class PodLoader {
  private PodLoader() {}

  /** The pod manifest and every app's image manifest, all validated: for run. */
  public static Pod load(PodLayout layout) throws IOException {
    PodManifest manifest = AppcJson.readPodManifest(layout.podManifest());
    Map<AcName, ImageManifest> images = new LinkedHashMap<>();
    for (AcName app : manifest.appNames()) {
      images.put(app, readImageManifest(layout, app));
    }
    return new Pod(layout, manifest, images);
  }

  /** App names and annotations only, never failing: for stop and gc, which must work on broken pods too. */
  public static LenientPodManifest loadLenient(PodLayout layout) {
    return LenientPodManifest.read(layout.podManifest());
  }

  /** The stage1 image manifest stage0 copied into the pod. */
  public static ImageManifest stage1Manifest(PodLayout layout) throws IOException {
    return AppcJson.readImageManifest(layout.stage1Manifest());
  }

  /**
   * The app's image manifest: the copy in the stage1 tree ({@code opt/stage2/<app>/manifest}), or stage0's copy
   * in {@code appsinfo/<app>/manifest} when that one is missing.
   */
  static ImageManifest readImageManifest(PodLayout layout, AcName app) throws IOException {
    Path primary = layout.appManifest(app);
    Path fallback = layout.appsInfoManifest(app);
    if (Files.exists(primary) || !Files.exists(fallback)) {
      try {
        return AppcJson.readImageManifest(primary);
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(primary.toString(), null,
            "no image manifest for app " + app + " (nor at " + fallback + ")");
      }
    }
    return AppcJson.readImageManifest(fallback);
  }
}
