package io.stage1xen.network;

import io.stage1xen.appc.AppcJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code <pod>/net-info.json}, in the format of rkt's networking/netinfo package (rkt 1.30.0), which {@code rkt list}
 * and {@code rkt status} read: a JSON array, one object per network with netName, netConf, pluginPath, ifName, ip,
 * args and mask, written like Go's json.Encoder (compact, then a newline).
 */
public final class NetInfo {
  private NetInfo() {}

  /** @param confPaths where each network's configuration was copied (netConf), as rkt: relative to the pod */
  public static String render(List<Attachment> attachments, List<String> confPaths) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < attachments.size(); i++) {
      Attachment a = attachments.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("netName", a.network().name());
      m.put("netConf", confPaths.get(i));
      m.put("pluginPath", a.ipam().plugin());
      m.put("ifName", a.ifName());
      m.put("ip", a.podAddress().toString());
      m.put("args", a.network().args());
      m.put("mask", Ipv4.mask(a.result().address().prefix()).toString());
      out.add(m);
    }
    return AppcJson.writePlain(out) + "\n";
  }
}
