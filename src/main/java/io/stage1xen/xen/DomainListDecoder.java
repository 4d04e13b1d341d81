package io.stage1xen.xen;

import java.util.List;

/**
 * Turns the JSON of {@code xl list -l} into domain summaries. {@link XlListJson} is the built-in reader; a caller
 * that already has a JSON library at hand may pass its own.
 */
@FunctionalInterface
public interface DomainListDecoder {
  List<DomainSummary> decode(String json) throws XlException;
}
