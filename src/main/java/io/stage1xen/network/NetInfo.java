package io.stage1xen.network;

import io.stage1xen.inet.Ipv4;
import io.stage1xen.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code <pod>/net-info.json}, in the format of rkt's networking/netinfo package (rkt 1.30.0), which {@code rkt list}
 * and {@code rkt status} read: a JSON array, one object per network, written like Go's json.Encoder (compact, then a
 * newline).
 */
public final class NetInfo {
  private NetInfo() {}

  /** One network, with rkt's field names in rkt's order. */
  public record Entry(String netName, String netConf, String pluginPath, String ifName, String ip, String args,
      String mask) {}

  /** @param confPaths where each network's configuration was copied (netConf), as rkt: relative to the pod */
  public static String render(List<Attachment> attachments, List<String> confPaths) {
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < attachments.size(); i++) {
      Attachment a = attachments.get(i);
      out.add(new Entry(a.network().name(), confPaths.get(i), a.ipam().plugin(), a.ifName().toString(),
          a.podAddress().toString(), a.network().args(), Ipv4.mask(a.result().address().prefix()).toString()));
    }
    return Json.write(out) + "\n";
  }
}
