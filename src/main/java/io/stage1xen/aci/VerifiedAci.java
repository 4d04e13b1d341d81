package io.stage1xen.aci;

import io.stage1xen.appc.ImageManifestTree;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ACI that passed {@link AciVerifier}: its manifest, its entries in archive order, and what each entrypoint
 * annotation resolves to (in manifest order).
 */
public record VerifiedAci(ImageManifestTree manifest, List<AciEntry> entries, Map<String, String> entrypoints) {
  public VerifiedAci {
    entries = List.copyOf(entries);
    entrypoints = Collections.unmodifiableMap(new LinkedHashMap<>(entrypoints));
  }

  public String listing() {
    StringBuilder sb = new StringBuilder();
    for (AciEntry e : entries) {
      sb.append(e.line()).append('\n');
    }
    return sb.toString();
  }
}
