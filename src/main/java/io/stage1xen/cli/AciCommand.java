package io.stage1xen.cli;

import io.stage1xen.aci.AciPacker;
import io.stage1xen.aci.AciVerifier;
import io.stage1xen.aci.EntrypointLinks;
import io.stage1xen.aci.InvalidAciException;
import io.stage1xen.aci.VerifiedAci;
import io.stage1xen.appc.ImageManifestTree;
import io.stage1xen.outcome.Stage1Failure;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Build-time tools for the stage1 image itself (used by build.sh, hidden from --help): assemble entrypoint links,
 * pack a reproducible ACI, and verify one by reading it back.
 */
@Command(name = "aci", hidden = true, mixinStandardHelpOptions = true,
    description = "Build-time: assemble, pack and verify the stage1 ACI.",
    subcommands = {AciCommand.Link.class, AciCommand.Pack.class, AciCommand.Verify.class})
final class AciCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: link-entrypoints, pack or verify");
  }

  static ImageManifestTree readManifest(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new Stage1Failure(file + ": manifest not found");
    }
    return ImageManifestTree.parse(text, file.toString());
  }

  @Command(name = "link-entrypoints", mixinStandardHelpOptions = true,
      description = "Create a relative symlink to the executable at every entrypoint path of the manifest.")
  static final class Link implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--manifest", required = true, paramLabel = "FILE") Path manifest;
    @Option(names = "--rootfs", required = true, paramLabel = "DIR") Path rootfs;
    @Option(names = "--executable", required = true, paramLabel = "PATH",
        description = "The multi-call executable, relative to the rootfs.") String executable;

    @Override
    public Integer call() throws IOException, InvalidAciException {
      List<String> links = EntrypointLinks.create(readManifest(manifest), rootfs, executable);
      spec.commandLine().getOut().println(String.join(" ", links));
      return ExitCodes.OK;
    }
  }

  @Command(name = "pack", mixinStandardHelpOptions = true,
      description = "Pack a manifest template and a rootfs directory into a reproducible ACI.")
  static final class Pack implements Callable<Integer> {
    @Option(names = "--manifest", required = true, paramLabel = "FILE",
        description = "Image manifest template (JSON).") Path manifest;
    @Option(names = "--rootfs", required = true, paramLabel = "DIR") Path rootfs;
    @Option(names = "--out", required = true, paramLabel = "FILE") Path out;
    @Option(names = "--version-label", paramLabel = "VERSION",
        description = "Value of the version label (default: the version of this build).") String version;
    @Option(names = "--mtime", paramLabel = "EPOCH", defaultValue = "${env:SOURCE_DATE_EPOCH:-0}",
        description = "Time stamp of every entry, seconds since 1970 (default: $SOURCE_DATE_EPOCH or 0).")
    long mtime;

    @Override
    public Integer call() throws IOException, InvalidAciException {
      String label = version != null ? version : VersionProvider.version();
      new AciPacker(Instant.ofEpochSecond(mtime)).pack(readManifest(manifest).withLabel("version", label), rootfs, out);
      return ExitCodes.OK;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Read an ACI back and check it is a stage1 rkt can run.")
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "ACI") Path aci;
    @Option(names = "--require", paramLabel = "PATH",
        description = "A rootfs-relative path that must resolve to a regular file (repeatable).")
    List<String> required = new ArrayList<>();
    @Option(names = "--list", description = "Print every entry: type, mode, uid/gid, size, name, link target.")
    boolean list;

    @Override
    public Integer call() throws IOException, InvalidAciException {
      VerifiedAci verified = new AciVerifier().verify(aci, required);
      if (list) {
        spec.commandLine().getOut().print(verified.listing());
      }
      StringBuilder eps = new StringBuilder();
      for (Map.Entry<String, String> e : verified.entrypoints().entrySet()) {
        eps.append(' ').append(e.getKey().substring(e.getKey().lastIndexOf("stage1/") + "stage1/".length()))
            .append("->").append(e.getValue());
      }
      spec.commandLine().getOut().println(aci + ": ok, " + verified.manifest().name() + " "
          + verified.manifest().labels().get("version") + ", " + verified.entries().size() + " entries, entrypoints:"
          + eps);
      return ExitCodes.OK;
    }
  }
}
