package io.stage1xen.xen;

import io.stage1xen.host.HostProbe;

/** xl is not installed (or not on PATH). */
public final class XlMissingException extends XlException {
  private static final long serialVersionUID = 1L;

  public XlMissingException(Throwable cause) {
    super(HostProbe.XL_MISSING, cause);
  }
}
