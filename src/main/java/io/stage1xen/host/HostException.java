package io.stage1xen.host;

/** The host cannot run pods as asked (no xl, not a dom0, Xen too old, no HVM for PVH...); one line for a person. */
public class HostException extends Exception {
  private static final long serialVersionUID = 1L;

  public HostException(String message) {
    super(message);
  }

  public HostException(String message, Throwable cause) {
    super(message, cause);
  }
}
