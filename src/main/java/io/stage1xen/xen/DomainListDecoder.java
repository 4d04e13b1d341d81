package io.stage1xen.xen;

import java.util.List;

/**
 * Turns the JSON of {@code xl list -l} into domain summaries. {@link XlListJson} is the project's reader; a test
 * may pass its own.
 */
@FunctionalInterface
public interface DomainListDecoder {
  List<DomainSummary> decode(String json) throws XlException;
}
