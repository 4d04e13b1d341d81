package io.stage1xen.network;

/**
 * A network the pod joins: its configuration, the CNI arguments given with {@code --net=name:K=V;…} (verbatim,
 * passed to the IPAM plugin as CNI_ARGS) and the configuration's text, which is copied into the pod.
 */
public record SelectedNetwork(NetworkConfig config, String args, String text) {
  public SelectedNetwork {
    args = args == null ? "" : args;
  }

  public String name() {
    return config.name();
  }
}
