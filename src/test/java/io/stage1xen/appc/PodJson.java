package io.stage1xen.appc;

/** Small pod manifests for tests: one app whose app section, and the pod's volumes, can be varied. */
final class PodJson {
  static final String ID = "sha512-36dc1531c150db562d74d7d8392ea946e56ec0e81bba35d0334c28489bd9f804";

  private PodJson() {}

  static final String APP_BASE = "\"exec\":[\"/bin/sh\"],\"user\":\"0\",\"group\":\"0\"";

  /** A pod with app "hello" whose {@code app} object gets {@code appExtra} appended. */
  static String withApp(String appExtra) {
    return withAppBody(APP_BASE + appExtra);
  }

  /** A pod with app "hello" whose {@code app} object holds exactly {@code body}. */
  static String withAppBody(String body) {
    return pod("{\"name\":\"hello\",\"image\":{\"name\":\"example.com/hello\",\"id\":\"" + ID + "\"},"
        + "\"app\":{" + body + "}}", "null");
  }

  static String withIsolator(String name, String valueJson) {
    return withApp(",\"isolators\":[{\"name\":\"" + name + "\",\"value\":" + valueJson + "}]");
  }

  static String withVolumes(String volumesJson) {
    return pod("", volumesJson);
  }

  static String pod(String apps, String volumes) {
    return "{\"acVersion\":\"1.30.0\",\"acKind\":\"PodManifest\",\"apps\":[" + apps + "],\"volumes\":" + volumes
        + ",\"isolators\":null,\"annotations\":[{\"name\":\"coreos.com/rkt/stage1/mutable\",\"value\":\"false\"}],"
        + "\"ports\":[]}";
  }

  static PodManifest parse(String json) throws InvalidManifestException {
    return AppcJson.parsePodManifest(json, "pod");
  }
}
