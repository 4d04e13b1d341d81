package io.stage1xen.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stage1xen.appc.ImageManifestTree;
import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.SystemProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A built stage1-xen.aci unpacked the way rkt unpacks it (tar keeps modes and symlinks), ready to execute. */
final class PackagedImage {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  final Path aci;
  final Path rootfs;
  final ImageManifestTree manifest;

  private PackagedImage(Path aci, Path rootfs, ImageManifestTree manifest) {
    this.aci = aci;
    this.rootfs = rootfs;
    this.manifest = manifest;
  }

  static PackagedImage unpack(Path aci, Path into) throws Exception {
    ExecResult r = host().run(Command.of(TIMEOUT, "tar", "-C", into.toString(), "-xzf", aci.toString()));
    assertEquals(0, r.exitCode(), "tar -xzf " + aci + ": " + r.stderr());
    ImageManifestTree manifest = ImageManifestTree.parse(Files.readString(into.resolve("manifest")), aci + "!manifest");
    return new PackagedImage(aci, into.resolve("rootfs"), manifest);
  }

  /** The ACI the build under test produced: -Dstage1xen.aci (set by `./build.sh test`). */
  static Path builtAci() {
    String path = System.getProperty("stage1xen.aci");
    if (path == null || path.isBlank()) {
      throw new IllegalStateException("no ACI to test: run `./build.sh test`, or pass -Dstage1xen.aci=<path to"
          + " stage1-xen.aci> to mvn");
    }
    Path aci = Path.of(path);
    if (!Files.isRegularFile(aci)) {
      throw new IllegalStateException("-Dstage1xen.aci=" + path + " does not exist");
    }
    return aci;
  }

  static SystemProcessRunner host() {
    return new SystemProcessRunner(System.getenv());
  }

  String version() {
    return manifest.labels().get("version");
  }

  Path executable() {
    return rootfs.resolve("stage1-xen/bin/stage1-xen");
  }

  /** Entrypoint names from the manifest's annotations, e.g. run, gc, app/add. */
  List<String> entrypoints() {
    return manifest.annotations().entrySet().stream()
        .filter(a -> a.getKey().startsWith("coreos.com/rkt/stage1/") && a.getValue().startsWith("/"))
        .map(a -> a.getValue().substring(1))
        .toList();
  }

  ExecResult run(String... argv) throws Exception {
    return host().run(Command.of(TIMEOUT, argv));
  }

  ExecResult runWithEnvironment(Map<String, String> env, String... argv) throws Exception {
    return new SystemProcessRunner(env).run(Command.of(TIMEOUT, argv));
  }

  boolean isNative() throws Exception {
    byte[] head = new byte[4];
    try (var in = Files.newInputStream(executable())) {
      in.readNBytes(head, 0, 4);
    }
    return head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
  }
}
