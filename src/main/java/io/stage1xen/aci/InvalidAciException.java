package io.stage1xen.aci;

import io.stage1xen.outcome.Stage1Failure;

/** An ACI, or the rootfs or manifest it is packed from, breaks a rule; the message is one line naming the file. */
public class InvalidAciException extends Stage1Failure {
  private static final long serialVersionUID = 1L;

  public InvalidAciException(String message) {
    super(message);
  }
}
