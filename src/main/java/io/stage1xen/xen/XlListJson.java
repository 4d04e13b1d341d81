package io.stage1xen.xen;

import io.stage1xen.appc.AppcJson;
import io.stage1xen.appc.InvalidManifestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code xl list -l}'s JSON: an array with one object per domain, holding {@code domid},
 * {@code config.c_info.name}, {@code config.c_info.type} and {@code config.b_info.max_memkb}, through the project's
 * one JSON reader.
 */
public final class XlListJson implements DomainListDecoder {

  @Override
  public List<DomainSummary> decode(String json) throws XlException {
    Object root;
    try {
      root = AppcJson.readPlain(json, "'xl list -l' output");
    } catch (InvalidManifestException e) {
      throw new XlException("'xl list -l' printed JSON that cannot be read: " + e.getMessage());
    }
    if (!(root instanceof List<?> domains)) {
      throw new XlException("'xl list -l' printed JSON that is not an array");
    }
    List<DomainSummary> out = new ArrayList<>();
    for (Object d : domains) {
      Object domid = path(d, "domid");
      Object name = path(d, "config", "c_info", "name");
      if (!(domid instanceof Number id) || !(name instanceof String n)) {
        throw new XlException("'xl list -l' printed a domain without domid or config.c_info.name");
      }
      Object kib = path(d, "config", "b_info", "max_memkb");
      Object type = path(d, "config", "c_info", "type");
      out.add(new DomainSummary(Math.toIntExact(id.longValue()), n, kib instanceof Number k ? k.longValue() / 1024 : 0,
          type instanceof String t ? Optional.of(t) : Optional.empty()));
    }
    return out;
  }

  static Object path(Object node, String... keys) {
    Object cur = node;
    for (String k : keys) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(k);
    }
    return cur;
  }
}
