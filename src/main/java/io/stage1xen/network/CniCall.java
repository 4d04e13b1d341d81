package io.stage1xen.network;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything one IPAM invocation is made of, recorded before ADD so that DEL (by the supervisor, or by gc after a
 * crash) runs with exactly the same arguments.
 *
 * @param plugin absolute path of the host-local executable
 * @param containerId CNI_CONTAINERID: the pod's uuid, which makes the leases of two pods distinct
 * @param netns CNI_NETNS: a pod VM has no network namespace on the host; host-local never reads this, but the CNI
 *     specification requires a value for ADD, so it names the pod's domain ({@code xen-domain:rkt-<uuid>})
 * @param ifName CNI_IFNAME: the interface inside the VM, {@code eth<i>}
 * @param args CNI_ARGS, from {@code --net=name:K=V;…}
 * @param input the network configuration on stdin
 */
public record CniCall(String plugin, String containerId, String netns, String ifName, String args, String input) {

  /** The variables of the CNI specification for this command. */
  public Map<String, String> environment(String command) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CNI_COMMAND", command);
    env.put("CNI_CONTAINERID", containerId);
    env.put("CNI_NETNS", netns);
    env.put("CNI_IFNAME", ifName);
    env.put("CNI_ARGS", args);
    int slash = plugin.lastIndexOf('/');
    env.put("CNI_PATH", slash > 0 ? plugin.substring(0, slash) : "/");
    return env;
  }
}
