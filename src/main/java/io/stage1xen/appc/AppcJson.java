package io.stage1xen.appc;

import com.fasterxml.jackson.databind.JsonNode;
import io.stage1xen.json.Json;
import io.stage1xen.json.JsonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading and writing appc manifests through the project's one mapper ({@link Json}), the way rkt reads and writes
 * them. Failures become an {@link InvalidManifestException} naming the file, the JSON path, the position and the
 * offending value.
 */
public final class AppcJson {
  /** Manifests are small; anything bigger is not a manifest and is not read into memory. */
  public static final long MAX_FILE_BYTES = 16L << 20;

  static {
    NativeWarmup.ensure();
  }

  private AppcJson() {}

  public static PodManifest readPodManifest(Path file) throws IOException {
    return parse(read(file), file.toString(), PodManifest.class);
  }

  public static ImageManifest readImageManifest(Path file) throws IOException {
    return parse(read(file), file.toString(), ImageManifest.class);
  }

  /** Parses a pod manifest held in memory; {@code source} names it in error messages. */
  public static PodManifest parsePodManifest(String json, String source) throws InvalidManifestException {
    return parse(json, source, PodManifest.class);
  }

  public static ImageManifest parseImageManifest(String json, String source) throws InvalidManifestException {
    return parse(json, source, ImageManifest.class);
  }

  /** One line of JSON, in the field order and with the omissions of rkt's own writer. */
  public static String writePodManifest(PodManifest manifest) {
    return Json.write(manifest);
  }

  public static String writeImageManifest(ImageManifest manifest) {
    return Json.write(manifest);
  }

  /** Reads a file as UTF-8 text for parsing, refusing files too big to be a manifest. */
  static String read(Path file) throws IOException {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new IOException(file + ": too large to be a manifest (" + size + " bytes)");
      }
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "no such file");
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(file.toString(), null, "permission denied");
    }
  }

  static <T> T parse(String json, String source, Class<T> type) throws InvalidManifestException {
    try {
      return Json.read(json, source, type);
    } catch (JsonException e) {
      throw new InvalidManifestException(e);
    }
  }

  static JsonNode parseTree(String json, String source) throws InvalidManifestException {
    try {
      return Json.readTree(json, source);
    } catch (JsonException e) {
      throw new InvalidManifestException(e);
    }
  }
}
