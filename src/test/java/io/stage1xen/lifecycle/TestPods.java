package io.stage1xen.lifecycle;

import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Pod manifests for the lifecycle tests, as rkt 1.30.0 writes them: apps of one test image, volumes optional. */
final class TestPods {
  static final String IMAGE_ID = "sha512-36dc1531c150db562d74d7d8392ea946e56ec0e81bba35d0334c28489bd9f804";

  private TestPods() {}

  /** The argv of an app of the fake guest (FakeGuest) that runs these ops. */
  static String[] fakeExec(String... ops) {
    return Stream.concat(Stream.of("/fake"), Stream.of(ops)).toArray(String[]::new);
  }

  /** An app running {@code exec} as root. */
  static String app(String name, String... exec) {
    return appWith(name, "", "", exec);
  }

  /**
   * An app running {@code exec} as root, with {@code appFields} appended inside its {@code app} object (isolators)
   * and {@code podAppFields} after it (mounts); each starts with a comma when not empty.
   */
  static String appWith(String name, String appFields, String podAppFields, String... exec) {
    String args = Stream.of(exec).map(a -> "\"" + a + "\"").collect(Collectors.joining(","));
    return "{\"name\":\"" + name + "\",\"image\":{\"name\":\"example.com/" + name + "\",\"id\":\"" + IMAGE_ID
        + "\"},\"app\":{\"exec\":[" + args + "],\"user\":\"0\",\"group\":\"0\"" + appFields + "}" + podAppFields + "}";
  }

  /** A pod of these apps, without volumes. */
  static String pod(String... apps) {
    return podWithVolumes("null", apps);
  }

  /** A pod of these apps with {@code volumesJson} (a JSON array, or null) as its volumes. */
  static String podWithVolumes(String volumesJson, String... apps) {
    return "{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\",\"apps\":[" + String.join(",", apps)
        + "],\"volumes\":" + volumesJson + ",\"isolators\":null,\"annotations\":[{\"name\":"
        + "\"coreos.com/rkt/stage1/mutable\",\"value\":\"false\"}],\"ports\":[]}";
  }
}
