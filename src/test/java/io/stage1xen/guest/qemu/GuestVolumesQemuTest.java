package io.stage1xen.guest.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.guest.AppPlan;
import io.stage1xen.guest.ControlChannel.Listener.PoweroffReason;
import io.stage1xen.guest.ExecRequest;
import io.stage1xen.guest.MountPlan;
import io.stage1xen.guest.PodPlan;
import io.stage1xen.guest.SharePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes in the real guest under QEMU: bind mounts from volume shares into apps, write-through, a volume shared by
 * two apps, a single-file volume, read-only shares that a root process cannot write even after
 * {@code mount -o remount,rw} (the 9p server refuses: QEMU's {@code readonly=on}, and a read-only bind mount on the
 * host as stage1-xen makes in dom0), a target behind a symlink that points out of the image, and readOnlyRootFS.
 */
@Tag("qemu")
class GuestVolumesQemuTest {
  static final Duration WAIT = Duration.ofSeconds(120);
  static GuestArtifacts guest;
  @TempDir Path tmp;

  @BeforeAll
  static void artefacts() {
    guest = GuestArtifacts.fromSystemProperties();
  }

  static List<String> sh(String script) {
    return List.of("/bin/sh", "-c", script);
  }

  /** Tries to write into a read-only volume the plain way, then after a read-write remount; prints what happened. */
  static String rogue(String dir) {
    return "if echo x > " + dir + "/new 2>/dev/null; then echo 'WROTE " + dir + "'; else echo 'REFUSED " + dir + "'; fi;"
        + "mount -o remount,rw " + dir + " && echo 'REMOUNTED " + dir + "';"
        + "if echo x > " + dir + "/new 2>/dev/null || echo x >> " + dir + "/orig 2>/dev/null;"
        + " then echo 'WROTE-AFTER " + dir + "'; else echo 'REFUSED-AFTER " + dir + "'; fi;";
  }

  private static String appOutput(RecordingEvents ev) {
    StringBuilder sb = new StringBuilder();
    for (int app = 1; app <= 5; app++) {
      sb.append("app ").append(app).append(" stdout: ").append(ev.stdoutText(app)).append(" stderr: ")
          .append(ev.stderrText(app)).append('\n');
    }
    return sb.toString();
  }

  @Test
  void volumesAreBoundIntoAppsAndReadOnlyHoldsAgainstRoot() throws Exception {
    Path r0 = TestRootfs.make(tmp.resolve("root0"));
    Files.createSymbolicLink(r0.resolve("linkdir"), Path.of("/../../../outside"));
    Path rw = Files.createDirectories(tmp.resolve("rw"));
    Files.setPosixFilePermissions(rw, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path roQemu = Files.createDirectories(tmp.resolve("ro-qemu"));
    Files.writeString(roQemu.resolve("orig"), "orig\n");
    Path fileShare = Files.createDirectories(tmp.resolve("file-share"));
    Path file = Files.writeString(fileShare.resolve("file"), "setting=1\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    List<QemuGuest.Export> exports = new ArrayList<>(List.of(new QemuGuest.Export("app0", r0, false),
        new QemuGuest.Export("vol0", rw, false), new QemuGuest.Export("vol1", roQemu, true),
        new QemuGuest.Export("vol2", fileShare, false)));
    List<SharePlan> shares = new ArrayList<>(List.of(new SharePlan("app0", "/s1x/share/app0", false),
        new SharePlan("vol0", "/s1x/share/vol0", false), new SharePlan("vol1", "/s1x/share/vol1", true),
        new SharePlan("vol2", "/s1x/share/vol2", false)));
    // dom0's way: QEMU exports a directory that is a read-only bind mount, in a mount namespace of its own
    Path roBindSource = Files.createDirectories(tmp.resolve("ro-bind-source"));
    Files.writeString(roBindSource.resolve("orig"), "orig\n");
    Path roBind = Files.createDirectories(tmp.resolve("ro-bind"));
    List<String> wrapper = List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
        "mount --bind --make-private \"$1\" \"$2\" && mount -o remount,bind,ro \"$2\" && shift 2 && exec \"$@\"",
        "sh", roBindSource.toString(), roBind.toString());
    exports.add(new QemuGuest.Export("vol3", roBind, false));
    shares.add(new SharePlan("vol3", "/s1x/share/vol3", true));

    AppPlan writer = AppPlan.builder("writer", "/s1x/share/app0",
            sh("echo hello > /data/by-writer && echo appended >> /etc/app.conf && echo WRITER-OK"))
        .user("alice").group("staff")
        .mount(new MountPlan("/s1x/share/vol0", "/data", false))
        .mount(new MountPlan("/s1x/share/vol2/file", "/etc/app.conf", false)).build();
    AppPlan reader = AppPlan.builder("reader", "/s1x/share/app0",
            sh("i=0; while [ ! -s /in/by-writer ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done;"
                + " echo \"READ $(cat /in/by-writer)\"; if touch /in/x 2>/dev/null; then echo IN-RW; else echo IN-RO; fi;"
                + " echo \"CONF $(cat /etc/app.conf | tr '\\n' ' ')\""))
        .mount(new MountPlan("/s1x/share/vol0", "/in", true))
        .mount(new MountPlan("/s1x/share/vol2/file", "/etc/app.conf", true)).build();
    AppPlan rogue = AppPlan.builder("rogue", "/s1x/share/app0", sh(rogue("/ro-qemu") + rogue("/ro-bind")))
        .mount(new MountPlan("/s1x/share/vol1", "/ro-qemu", true))
        .mount(new MountPlan("/s1x/share/vol3", "/ro-bind", true)).build();
    AppPlan escaper = AppPlan.builder("escaper", "/s1x/share/app0",
            sh("echo in-volume > /linkdir/vol/from-escaper && echo VOLUME-RW;"
                + " if touch /root-file 2>/dev/null; then echo ROOT-RW; else echo ROOT-RO; fi;"
                + " cd /linkdir/vol && touch owned && chown 1234:5678 owned && chmod 0600 owned"
                + " && cp /bin/busybox suid && chmod 4755 suid"))
        .readOnlyRootFs(true)
        .mount(new MountPlan("/s1x/share/vol0", "/linkdir/vol", false)).build();
    AppPlan idle = AppPlan.builder("idle", "/s1x/share/app0", sh("while [ ! -e /data/stop ]; do sleep 0.2; done"))
        .mount(new MountPlan("/s1x/share/vol0", "/data", false)).build();
    PodPlan plan = new PodPlan("volumes", null, null, false, Duration.ofSeconds(2), false, shares,
        List.of(writer, reader, rogue, escaper, idle));

    try (QemuGuest vm = new QemuGuest(guest, tmp.resolve("vm"), 256, exports, false, wrapper, List.of())) {
      vm.start(plan);
      RecordingEvents ev = vm.events;
      assertTrue(ev.awaitReady(WAIT), vm.diagnostics());
      // an enter session sees the app's volumes too
      int cat = vm.channel.startExec(ExecRequest.pipes("reader", sh("cat /etc/app.conf; ls /in")));
      assertEquals(0, ev.awaitExit(cat, WAIT), vm.diagnostics());
      assertTrue(ev.stdoutText(cat).startsWith("setting=1\n"), ev.stdoutText(cat));
      int stop = vm.channel.startExec(ExecRequest.pipes("idle", sh("sleep 2; touch /data/stop")));
      assertEquals(0, ev.awaitExit(stop, WAIT), ev.timeline() + "\n" + appOutput(ev) + vm.diagnostics());
      assertEquals(0, vm.awaitPoweroff(WAIT));
      assertEquals(PoweroffReason.ALL_DONE, ev.reason, ev.timeline() + "\n" + vm.diagnostics());

      assertEquals("WRITER-OK\n", ev.stdoutText(1), ev.stderrText(1));
      assertEquals("hello\n", Files.readString(rw.resolve("by-writer")), "writes reach the host");
      assertEquals("setting=1\nappended\n", Files.readString(file), "a single-file volume writes through");
      // security_model=none with QEMU as root: the file belongs to the guest process's uid and gid on the host
      assertEquals(1000, Files.getAttribute(rw.resolve("by-writer"), "unix:uid"));
      assertEquals(2000, Files.getAttribute(rw.resolve("by-writer"), "unix:gid"));

      String read = ev.stdoutText(2);
      assertTrue(read.contains("READ hello\n"), "another app sees the write: " + read);
      assertTrue(read.contains("IN-RO\n"), "a read-only mount of a writable share: " + read);
      assertTrue(read.contains("CONF setting=1 appended \n"), read);

      String r = ev.stdoutText(3);
      for (String dir : List.of("/ro-qemu", "/ro-bind")) {
        assertTrue(r.contains("REFUSED " + dir + "\n"), "the guest's own read-only flag: " + r);
        assertTrue(r.contains("REMOUNTED " + dir + "\n"), "root in the app may remount: " + r);
        assertTrue(r.contains("REFUSED-AFTER " + dir + "\n"), "but the host still refuses: " + r);
      }
      assertEquals(List.of("orig"), List.of(roQemu.toFile().list()));
      assertEquals(List.of("orig"), List.of(roBindSource.toFile().list()));
      assertEquals("orig\n", Files.readString(roBindSource.resolve("orig")));

      String e = ev.stdoutText(4);
      assertEquals("VOLUME-RW\nROOT-RO\n", e, ev.stderrText(4));
      assertEquals("in-volume\n", Files.readString(rw.resolve("from-escaper")));
      // root in the guest is root on a writable volume: owners and modes, setuid included, land on the host as asked
      assertEquals(List.of(1234, 5678, 0600), List.of(Files.getAttribute(rw.resolve("owned"), "unix:uid"),
          Files.getAttribute(rw.resolve("owned"), "unix:gid"),
          (Integer) Files.getAttribute(rw.resolve("owned"), "unix:mode") & 07777));
      assertEquals(List.of(0, 04755), List.of(Files.getAttribute(rw.resolve("suid"), "unix:uid"),
          (Integer) Files.getAttribute(rw.resolve("suid"), "unix:mode") & 07777), "a setuid-root file on the host");

      assertTrue(Files.isDirectory(r0.resolve("outside/vol")), "the mount point was made inside the app's root");
      assertTrue(Files.isSymbolicLink(r0.resolve("linkdir")), "the image's link is left as it was");
      assertFalse(Files.exists(tmp.resolve("outside")));
    }
  }

  /**
   * The shares as dom0 exports them: root in the guest makes device nodes, a setuid-root file and a chown'd file on
   * a mapped-xattr and a mapped-file volume; it sees them as it asked, the host sees plain files of root, mode 0600.
   * A symlink made on the host cannot be read through a mapped share (why an app's root stays {@code none}); one the
   * guest makes can. A readOnlyRootFS app whose root is a read-only bind (its mount points made beforehand, as dom0
   * makes them) writes nothing there, even after remounting it read-write.
   */
  @Test
  void mappedSharesKeepTheGuestsMetadataOffTheHostAndAReadOnlyRootHolds() throws Exception {
    Path r0 = TestRootfs.make(tmp.resolve("root0"));
    Path xattr = Files.createDirectories(tmp.resolve("xattr"));
    Files.writeString(xattr.resolve("target"), "target\n");
    Files.createSymbolicLink(xattr.resolve("hostlink"), Path.of("target"));
    Path file = Files.createDirectories(tmp.resolve("file"));
    Path r1Source = TestRootfs.make(tmp.resolve("root1-source"));
    for (String made : List.of("proc", "sys", "dev", "vol")) {
      Files.createDirectories(r1Source.resolve(made)); // what dom0 makes in a read-only root before the export
    }
    Path r1 = Files.createDirectories(tmp.resolve("root1"));
    List<String> wrapper = List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
        "mount --bind --make-private \"$1\" \"$2\" && mount -o remount,bind,ro,nosuid,nodev \"$2\" && shift 2"
            + " && exec \"$@\"", "sh", r1Source.toString(), r1.toString());
    List<QemuGuest.Export> exports = List.of(new QemuGuest.Export("app0", r0, false, "none"),
        new QemuGuest.Export("app1", r1, false, "none"),
        new QemuGuest.Export("vol0", xattr, false, "mapped-xattr"),
        new QemuGuest.Export("vol1", file, false, "mapped-file"));
    List<SharePlan> shares = List.of(new SharePlan("app0", "/s1x/share/app0", false),
        new SharePlan("app1", "/s1x/share/app1", true), new SharePlan("vol0", "/s1x/share/vol0", false),
        new SharePlan("vol1", "/s1x/share/vol1", false));
    String make = "for d in /x /f; do mknod $d/blk b 202 0 && mknod $d/chr c 1 1 && cp /bin/busybox $d/suid"
        + " && chmod 4755 $d/suid && echo owned > $d/owned && chown 1234:5678 $d/owned || echo FAILED $d; done;"
        + " ls -ln /x | grep -E ' (blk|chr|suid|owned)$' | awk '{print $1, $3, $4}' | tr '\\n' ' '; cat /f/owned;"
        + " readlink /x/hostlink || echo HOSTLINK-UNREADABLE; ln -s target /x/guestlink && cat /x/guestlink";
    AppPlan maker = AppPlan.builder("maker", "/s1x/share/app0", sh(make))
        .mount(new MountPlan("/s1x/share/vol0", "/x", false)).mount(new MountPlan("/s1x/share/vol1", "/f", false))
        .build();
    AppPlan locked = AppPlan.builder("locked", "/s1x/share/app1", sh("if touch /a 2>/dev/null; then echo WROTE;"
            + " else echo REFUSED; fi; mount -o remount,rw / && echo REMOUNTED; if touch /b 2>/dev/null; then"
            + " echo WROTE-AFTER; else echo REFUSED-AFTER; fi; echo in-volume > /vol/v && echo VOLUME-RW"))
        .readOnlyRootFs(true).mount(new MountPlan("/s1x/share/vol0", "/vol", false)).build();
    PodPlan plan = new PodPlan("mapped", null, null, false, Duration.ofSeconds(2), false, shares,
        List.of(maker, locked));

    try (QemuGuest vm = new QemuGuest(guest, tmp.resolve("vm"), 256, exports, false, wrapper, List.of())) {
      vm.start(plan);
      assertEquals(0, vm.awaitPoweroff(WAIT), vm.diagnostics());
      RecordingEvents ev = vm.events;
      assertEquals(PoweroffReason.ALL_DONE, ev.reason, ev.timeline() + "\n" + appOutput(ev) + vm.diagnostics());
      assertEquals("brw-r--r-- 0 0 crw-r--r-- 0 0 -rw-r--r-- 1234 5678 -rwsr-xr-x 0 0 owned\n"
          + "HOSTLINK-UNREADABLE\ntarget\n", ev.stdoutText(1), "the guest sees what it asked for: " + ev.stderrText(1));
      assertTrue(ev.stderrText(1).contains("Too many levels of symbolic links"), ev.stderrText(1));
      assertEquals("target", Files.readString(xattr.resolve("guestlink")), "a guest's symlink is a file on the host");
      for (Path dir : List.of(xattr, file)) {
        for (String name : List.of("blk", "chr", "suid", "owned")) {
          Path p = dir.resolve(name);
          assertTrue(Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS), p + " is a plain file");
          assertEquals(List.of(0, 0, 0600), List.of(Files.getAttribute(p, "unix:uid"), Files.getAttribute(p,
              "unix:gid"), (Integer) Files.getAttribute(p, "unix:mode") & 07777), p + ": root's, 0600, no setuid");
        }
      }
      assertTrue(Files.isDirectory(file.resolve(".virtfs_metadata")), "mapped-file keeps the metadata in files");
      assertTrue(Files.getFileAttributeView(xattr.resolve("owned"),
          java.nio.file.attribute.UserDefinedFileAttributeView.class).list().contains("virtfs.uid"),
          "mapped-xattr keeps it in user.virtfs.* attributes");
      assertEquals("REFUSED\nREMOUNTED\nREFUSED-AFTER\nVOLUME-RW\n", ev.stdoutText(2), ev.stderrText(2));
      try (var left = Files.list(r1Source)) {
        assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.equals("a") || n.equals("b"))
            .toList(), "nothing reached the read-only root");
      }
      assertEquals("in-volume\n", Files.readString(xattr.resolve("v")));
    }
  }
}
