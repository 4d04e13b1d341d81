package io.stage1xen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build-time `aci` commands on the project's real manifest template. */
class AciCommandTest {
  private static final Path TEMPLATE = Path.of("aci-manifest.json");

  @TempDir Path tmp;

  private Path stagedRootfs() throws Exception {
    Path root = tmp.resolve("rootfs");
    Path exe = root.resolve("stage1-xen/bin/stage1-xen");
    Files.createDirectories(exe.getParent());
    Files.writeString(exe, "#!/bin/sh\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(root.resolve("rkt/status"));
    Files.createDirectories(root.resolve("opt/stage2"));
    return root;
  }

  @Test
  void linkPackAndVerifyTheRealTemplate() throws Exception {
    Path root = stagedRootfs();
    Stage1CliTest.Result link = Stage1CliTest.run("stage1-xen", "aci", "link-entrypoints", "--manifest",
        TEMPLATE.toString(), "--rootfs", root.toString(), "--executable", "stage1-xen/bin/stage1-xen");
    assertEquals(ExitCodes.OK, link.code(), link.err());
    // app/* make rkt treat the image as supporting mutable pods (rkt app sandbox)
    assertEquals("run enter gc stop app/add app/rm app/start app/stop", link.out().strip());

    Path aci = tmp.resolve("out/stage1-xen.aci");
    Stage1CliTest.Result pack = Stage1CliTest.run("stage1-xen", "aci", "pack", "--manifest", TEMPLATE.toString(),
        "--rootfs", root.toString(), "--out", aci.toString(), "--mtime", "0");
    assertEquals(ExitCodes.OK, pack.code(), pack.err());

    Stage1CliTest.Result verify = Stage1CliTest.run("stage1-xen", "aci", "verify", "--list", aci.toString());
    assertEquals(ExitCodes.OK, verify.code(), verify.err());
    String version = VersionProvider.version();
    assertTrue(verify.out().contains(aci + ": ok, coreos.com/rkt/stage1-xen " + version + ", "), verify.out());
    assertTrue(verify.out().contains("entrypoints: run->stage1-xen/bin/stage1-xen enter->stage1-xen/bin/stage1-xen"
        + " gc->stage1-xen/bin/stage1-xen stop->stage1-xen/bin/stage1-xen"), verify.out());
    assertTrue(verify.out().contains("l 0777 0/0 0 rootfs/run -> stage1-xen/bin/stage1-xen\n"), verify.out());
    assertTrue(verify.out().contains("l 0777 0/0 0 rootfs/app/stop -> ../stage1-xen/bin/stage1-xen\n"), verify.out());
  }

  @Test
  void missingTemplateIsOneLineNamingTheFile() throws Exception {
    Stage1CliTest.Result r = Stage1CliTest.run("stage1-xen", "aci", "pack", "--manifest", "nope.json",
        "--rootfs", stagedRootfs().toString(), "--out", tmp.resolve("x.aci").toString());
    assertEquals(ExitCodes.FAILURE, r.code());
    assertEquals("stage1-xen aci pack: nope.json: manifest not found", r.err().strip());
    assertFalse(Files.exists(tmp.resolve("x.aci")));
  }

  @Test
  void verifyFailureIsOneLineAndExit254() throws Exception {
    Path bogus = Files.writeString(tmp.resolve("bogus.aci"), "not an archive");
    Stage1CliTest.Result r = Stage1CliTest.run("stage1-xen", "aci", "verify", bogus.toString());
    assertEquals(ExitCodes.FAILURE, r.code());
    assertEquals("stage1-xen aci verify: " + bogus + ": not gzip-compressed", r.err().strip());
  }
}
