package io.stage1xen.xen;

import io.stage1xen.json.Json;
import io.stage1xen.json.JsonException;
import io.stage1xen.json.ValueException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code xl list -l}'s JSON: an array with one object per domain, holding {@code domid},
 * {@code config.c_info.name}, {@code config.c_info.type} and {@code config.b_info.max_memkb}. The records mirror
 * xl's field names; a domain without an id or a name fails naming the field.
 */
public final class XlListJson implements DomainListDecoder {
  static final String SOURCE = "'xl list -l' output";

  /** One element of the array. */
  public record Domain(Integer domid, Config config) {
    public Domain {
      if (domid == null) {
        throw ValueException.withoutValue("domid", "is required");
      }
      if (config == null || config.c_info() == null || config.c_info().name() == null) {
        throw ValueException.withoutValue(config == null ? "config" : config.c_info() == null ? "config.c_info"
            : "config.c_info.name", "is required");
      }
    }
  }

  /** libxl's domain configuration, as far as it is read: the create info and the build info. */
  public record Config(CreateInfo c_info, Optional<BuildInfo> b_info) {
    public Config {
      b_info = b_info == null ? Optional.empty() : b_info;
    }
  }

  public record CreateInfo(String name, Optional<String> type) {
    public CreateInfo {
      type = type == null ? Optional.empty() : type;
    }
  }

  public record BuildInfo(Optional<Long> max_memkb) {
    public BuildInfo {
      max_memkb = max_memkb == null ? Optional.empty() : max_memkb;
    }
  }

  @Override
  public List<DomainSummary> decode(String json) throws XlException {
    List<Domain> domains;
    try {
      domains = Json.readList(json, SOURCE, Domain.class);
    } catch (JsonException e) {
      throw new XlException("'xl list -l' printed JSON that cannot be read: " + e.detail());
    }
    List<DomainSummary> out = new ArrayList<>();
    for (int i = 0; i < domains.size(); i++) {
      Domain d = domains.get(i);
      if (d == null) {
        throw new XlException("'xl list -l' printed JSON that cannot be read: [" + i + "]: expected an object, found"
            + " null");
      }
      long kib = d.config().b_info().flatMap(BuildInfo::max_memkb).orElse(0L);
      out.add(new DomainSummary(d.domid(), d.config().c_info().name(), kib / 1024, d.config().c_info().type()));
    }
    return out;
  }
}
