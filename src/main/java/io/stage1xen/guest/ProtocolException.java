package io.stage1xen.guest;

import java.io.IOException;

/** The control channel carried something that is not the protocol: the link cannot be trusted any more. */
public class ProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }
}
