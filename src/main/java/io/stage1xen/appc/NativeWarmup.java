package io.stage1xen.appc;

/**
 * Runs every kind of manifest through {@link AppcJson} once while a native image is being built, so that the
 * mapper's deserializers and serializers are constructed then and stored in the image: at run time a pod's
 * manifests are read without the type introspection that otherwise dominates an entrypoint's start. (The appc and
 * Jackson classes are initialized at build time for this; see native-image.properties.) On a JVM nothing happens.
 */
final class NativeWarmup {
  private static final String POD = """
      {"acVersion":"1.30.0","acKind":"PodManifest","apps":[{"name":"warm","image":{"name":"example.com/warm",
      "id":"sha512-36dc1531c150db562d74d7d8392ea946e56ec0e81bba35d0334c28489bd9f804","labels":[{"name":"os",
      "value":"linux"}]},"app":{"exec":["/bin/true"],"user":"0","group":"0","supplementaryGIDs":[5],
      "eventHandlers":[{"name":"pre-start","exec":["/bin/true"]}],"workingDirectory":"/","environment":[{"name":"A",
      "value":"b"}],"mountPoints":[{"name":"data","path":"/data","readOnly":true}],"ports":[{"name":"http",
      "protocol":"tcp","port":80,"count":1,"socketActivated":false}],"isolators":[
      {"name":"resource/memory","value":{"default":false,"request":"128M","limit":"128M"}},
      {"name":"resource/cpu","value":{"request":"500m","limit":"1"}},
      {"name":"resource/block-bandwidth","value":{"default":true,"limit":"1M"}},
      {"name":"resource/block-iops","value":{"default":true,"limit":"100"}},
      {"name":"resource/network-bandwidth","value":{"default":true,"limit":"1M"}},
      {"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_NET_ADMIN"]}},
      {"name":"os/linux/seccomp-retain-set","value":{"set":["@rkt/default-whitelist"],"errno":""}},
      {"name":"os/linux/no-new-privileges","value":true},
      {"name":"os/linux/selinux-context","value":{"user":"u","role":"r","type":"t","level":"s0"}},
      {"name":"os/linux/apparmor-profile","value":{"profile":"p"}},
      {"name":"os/linux/oom-score-adj","value":100},{"name":"os/linux/cpu-shares","value":2048},
      {"name":"example.com/unknown","value":{"x":[1,2]}}],
      "userAnnotations":{"a":"1"},"userLabels":{"l":"2"}},"readOnlyRootFS":true,
      "mounts":[{"volume":"data","path":"/data"}],"annotations":[{"name":"example.com/a","value":"1"}]},
      {"name":"warm2","image":{"id":"sha512-36dc1531c150db562d74d7d8392ea946e56ec0e81bba35d0334c28489bd9f804"},
      "app":{"exec":["/bin/true"],"user":"0","group":"0","isolators":[
      {"name":"os/linux/capabilities-remove-set","value":{"set":["CAP_MKNOD"]}},
      {"name":"os/linux/seccomp-remove-set","value":{"set":["reboot"],"errno":"EPERM"}}]}}],
      "volumes":[{"name":"data","kind":"host","source":"/srv","readOnly":true,"recursive":true},
      {"name":"scratch","kind":"empty","mode":"0755","uid":1,"gid":2}],
      "isolators":[{"name":"os/unix/sysctl","value":{"net.ipv4.ip_forward":"1"}}],
      "annotations":[{"name":"coreos.com/rkt/stage1/mutable","value":"false"}],
      "ports":[{"name":"http","hostPort":8080,"hostIP":"127.0.0.1","podPort":{"name":"http","protocol":"tcp","port":80}}],
      "userAnnotations":{"a":"1"},"userLabels":{"l":"2"}}""";
  private static final String IMAGE = """
      {"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/warm","labels":[{"name":"os",
      "value":"linux"}],"app":{"exec":["/bin/true"],"user":"0","group":"0"},"annotations":[{"name":"a",
      "value":"b"}],"dependencies":[{"imageName":"example.com/base","imageID":
      "sha512-36dc1531c150db562d74d7d8392ea946e56ec0e81bba35d0334c28489bd9f804","labels":[{"name":"os",
      "value":"linux"}],"size":1}],"pathWhitelist":["/bin/true"]}""";

  static {
    if ("buildtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"))) {
      warmUp();
    }
  }

  static void warmUp() {
    try {
      AppcJson.writePodManifest(AppcJson.parsePodManifest(POD, "warm-up pod manifest"));
      AppcJson.writeImageManifest(AppcJson.parseImageManifest(IMAGE, "warm-up image manifest"));
      LenientPodManifest.parse(POD, "warm-up pod manifest");
    } catch (InvalidManifestException e) {
      throw new IllegalStateException("the native-image warm-up manifests no longer parse: " + e.getMessage(), e);
    }
  }

  private NativeWarmup() {}

  /** Referencing this makes sure the image builder initializes (and so runs) the warm-up. */
  static void ensure() {}
}
