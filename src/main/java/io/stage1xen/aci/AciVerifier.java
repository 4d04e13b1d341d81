package io.stage1xen.aci;

import io.stage1xen.appc.ImageManifestTree;
import io.stage1xen.outcome.Stage1Failure;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads a stage1 ACI back and checks what rkt 1.30.0 and the appc spec need from it, plus the invariants of
 * {@link AciPacker}. The first violation is reported as one line naming the file and the entry.
 *
 * <p>Checked: gzip; tar entries only directories, regular files and symlinks, each named once, relative and
 * normalised, owned by 0/0, without setuid/setgid/sticky or group/world write bits, each after its parent; exactly
 * {@code manifest} and {@code rootfs/} at the top; the manifest parses as an ImageManifest with a version label and
 * a positive integer interface version; the run, enter, gc and stop annotations exist and every
 * {@code coreos.com/rkt/stage1/*} entrypoint resolves inside the rootfs to an executable regular file; the app/*
 * trio is all or nothing; no symlink is absolute or leaves the rootfs; {@code rkt/status/} and {@code opt/stage2/}
 * exist and are empty; and every path given as required resolves to a regular file.
 */
public final class AciVerifier {
  private static final int MAX_MANIFEST_BYTES = 1 << 20;
  private static final Pattern SEMVER = Pattern.compile(
      "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$");
  /** Directories rkt 1.30.0 needs in every stage1 image (overlay mode chtimes rkt/status before anything else). */
  static final List<String> REQUIRED_EMPTY_DIRECTORIES = List.of("rkt/status", "opt/stage2");

  public VerifiedAci verify(Path aci, List<String> requiredFiles) throws IOException, InvalidAciException {
    String where = aci.toString();
    List<AciEntry> entries = new ArrayList<>();
    Map<String, AciEntry> byRootfsPath = new HashMap<>();
    byte[] manifestBytes = null;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(aci))) {
      raw.mark(2);
      if (raw.read() != 0x1f || raw.read() != 0x8b) {
        throw new InvalidAciException(where + ": not gzip-compressed");
      }
      raw.reset();
      try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw),
          StandardCharsets.UTF_8.name())) {
        TarArchiveEntry t;
        while ((t = tar.getNextEntry()) != null) {
          AciEntry e = toEntry(t, where);
          checkEntry(e, entries.isEmpty(), byRootfsPath, where);
          if (e.name().equals("manifest")) {
            if (e.size() > MAX_MANIFEST_BYTES) {
              throw new InvalidAciException(where + ": manifest is " + e.size() + " bytes, more than " + MAX_MANIFEST_BYTES);
            }
            manifestBytes = tar.readAllBytes();
          } else {
            byRootfsPath.put(e.rootfsPath(), e);
          }
          entries.add(e);
        }
      }
    }
    if (manifestBytes == null) {
      throw new InvalidAciException(where + ": no manifest entry");
    }
    if (!byRootfsPath.containsKey("")) {
      throw new InvalidAciException(where + ": no rootfs/ entry");
    }
    ImageManifestTree manifest;
    try {
      manifest = ImageManifestTree.parse(new String(manifestBytes, StandardCharsets.UTF_8), where + "!manifest");
    } catch (Stage1Failure e) {
      throw new InvalidAciException(e.getMessage());
    }
    checkLabels(manifest, where);
    Map<String, String> entrypoints = checkAnnotations(manifest, byRootfsPath, where);
    checkSymlinks(entries, where);
    checkRequiredDirectories(entries, byRootfsPath, where);
    for (String required : requiredFiles) {
      resolveToFile(required, byRootfsPath, where, "required file \"" + required + "\"", false);
    }
    return new VerifiedAci(manifest, entries, entrypoints);
  }

  private static AciEntry toEntry(TarArchiveEntry t, String where) throws InvalidAciException {
    char type;
    if (t.isDirectory()) {
      type = AciEntry.DIRECTORY;
    } else if (t.isSymbolicLink()) {
      type = AciEntry.SYMLINK;
    } else if (t.getLinkFlag() == TarConstants.LF_NORMAL || t.getLinkFlag() == TarConstants.LF_OLDNORM) {
      type = AciEntry.FILE;
    } else {
      throw new InvalidAciException(where + ": entry \"" + t.getName()
          + "\" is not a directory, regular file or symlink (hard links, devices and fifos are not packed)");
    }
    return new AciEntry(t.getName(), type, t.getMode() & 07777, t.getLongUserId(), t.getLongGroupId(),
        type == AciEntry.FILE ? t.getSize() : 0, type == AciEntry.SYMLINK ? t.getLinkName() : null);
  }

  private static void checkEntry(AciEntry e, boolean first, Map<String, AciEntry> seen, String where)
      throws InvalidAciException {
    String name = e.name();
    String bare = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    if (bare.isEmpty() || name.startsWith("/") || !RootfsPaths.split(bare).equals(List.of(bare.split("/", -1)))
        || RootfsPaths.split(bare).contains("..")) {
      throw new InvalidAciException(where + ": entry name \"" + name + "\" is not a normalised relative path");
    }
    if (name.endsWith("/") != e.isDirectory()) {
      throw new InvalidAciException(where + ": entry \"" + name + "\": only directory names end with '/'");
    }
    if (name.equals("manifest")) {
      if (!first || !e.isFile()) {
        throw new InvalidAciException(where + ": \"manifest\" must be the first entry and a regular file");
      }
      return;
    }
    String path = e.rootfsPath();
    if (path == null) {
      throw new InvalidAciException(where + ": top-level entry \"" + name + "\": an ACI holds only manifest and rootfs/");
    }
    if (path.isEmpty() && !e.isDirectory()) {
      throw new InvalidAciException(where + ": \"rootfs\" must be a directory");
    }
    if (seen.containsKey(path)) {
      throw new InvalidAciException(where + ": duplicate entry \"" + name + "\"");
    }
    if (!path.isEmpty()) {
      AciEntry parent = seen.get(RootfsPaths.parent(path));
      if (parent == null || !parent.isDirectory()) {
        throw new InvalidAciException(where + ": entry \"" + name + "\" comes before its parent directory");
      }
    }
    if (e.uid() != 0 || e.gid() != 0) {
      throw new InvalidAciException(where + ": entry \"" + name + "\" is owned by " + e.uid() + "/" + e.gid()
          + ", not 0/0");
    }
    if (!e.isSymlink() && (e.mode() & 07022) != 0) {
      throw new InvalidAciException(where + ": entry \"" + name + "\" has mode " + String.format("%04o", e.mode())
          + " (setuid, setgid, sticky, group- or world-writable)");
    }
  }

  private static void checkLabels(ImageManifestTree manifest, String where) throws InvalidAciException {
    String version = manifest.labels().get("version");
    if (version == null || !SEMVER.matcher(version).matches()) {
      throw new InvalidAciException(where + "!manifest: label \"version\" must be a SemVer version, got \""
          + version + "\"");
    }
    String os = manifest.labels().get("os");
    if (os != null && !os.equals("linux")) {
      throw new InvalidAciException(where + "!manifest: label \"os\" must be \"linux\", got \"" + os + "\"");
    }
  }

  private static Map<String, String> checkAnnotations(ImageManifestTree manifest, Map<String, AciEntry> entries,
      String where) throws InvalidAciException {
    Map<String, String> annotations = manifest.annotations();
    String iv = annotations.get(Stage1Annotations.INTERFACE_VERSION);
    if (iv == null || !iv.matches("[1-9][0-9]{0,8}")) {
      throw new InvalidAciException(where + "!manifest: annotation \"" + Stage1Annotations.INTERFACE_VERSION
          + "\" must be a positive integer, got \"" + iv + "\"");
    }
    for (String required : Stage1Annotations.REQUIRED_ENTRYPOINTS) {
      if (!annotations.containsKey(required)) {
        throw new InvalidAciException(where + "!manifest: annotation \"" + required + "\" is missing");
      }
    }
    long mutable = Stage1Annotations.MUTABLE_ENTRYPOINTS.stream().filter(annotations::containsKey).count();
    if (mutable != 0 && mutable != Stage1Annotations.MUTABLE_ENTRYPOINTS.size()) {
      throw new InvalidAciException(where + "!manifest: annotations " + Stage1Annotations.MUTABLE_ENTRYPOINTS
          + " must be all present or all absent (rkt needs all three for mutable pods)");
    }
    Map<String, String> resolved = new LinkedHashMap<>();
    for (Map.Entry<String, String> a : annotations.entrySet()) {
      if (!Stage1Annotations.isEntrypoint(a.getKey())) {
        continue;
      }
      String value = a.getValue();
      String what = "entrypoint " + a.getKey() + "=\"" + value + "\"";
      if (!value.startsWith("/") || RootfsPaths.split(value).contains("..") || RootfsPaths.split(value).isEmpty()) {
        throw new InvalidAciException(where + "!manifest: " + what + " must be an absolute path inside the rootfs");
      }
      resolved.put(a.getKey(), resolveToFile(value.substring(1), entries, where, what, true));
    }
    return resolved;
  }

  private static String resolveToFile(String path, Map<String, AciEntry> entries, String where, String what,
      boolean executable) throws InvalidAciException {
    String target;
    try {
      target = RootfsPaths.resolve(path, p -> {
        AciEntry e = entries.get(p);
        return e != null && e.isSymlink() ? e.linkTarget() : null;
      });
    } catch (InvalidAciException e) {
      throw new InvalidAciException(where + ": " + what + ": " + e.getMessage());
    }
    AciEntry file = entries.get(target);
    if (file == null) {
      throw new InvalidAciException(where + ": " + what + " resolves to \"" + target + "\", which is not in the rootfs");
    }
    if (!file.isFile()) {
      throw new InvalidAciException(where + ": " + what + " resolves to \"" + target + "\", not a regular file");
    }
    if (executable && (file.mode() & 0100) == 0) {
      throw new InvalidAciException(where + ": " + what + " resolves to \"" + target + "\", which is not executable"
          + " (mode " + String.format("%04o", file.mode()) + ")");
    }
    return target;
  }

  private static void checkSymlinks(List<AciEntry> entries, String where) throws InvalidAciException {
    for (AciEntry e : entries) {
      if (e.isSymlink() && RootfsPaths.lexicalTarget(e.rootfsPath(), e.linkTarget()).isEmpty()) {
        throw new InvalidAciException(where + ": symlink \"" + e.name() + "\" -> \"" + e.linkTarget()
            + "\" is absolute or leaves the rootfs (rkt would resolve it on the host)");
      }
    }
  }

  private static void checkRequiredDirectories(List<AciEntry> entries, Map<String, AciEntry> byPath, String where)
      throws InvalidAciException {
    for (String dir : REQUIRED_EMPTY_DIRECTORIES) {
      AciEntry e = byPath.get(dir);
      if (e == null || !e.isDirectory()) {
        throw new InvalidAciException(where + ": rootfs/" + dir + "/ is missing; rkt 1.30.0 needs it in every stage1");
      }
      for (AciEntry other : entries) {
        String p = other.rootfsPath();
        if (p != null && p.startsWith(dir + "/")) {
          throw new InvalidAciException(where + ": rootfs/" + dir + "/ must be empty in the image, has \""
              + other.name() + "\"");
        }
      }
    }
  }
}
