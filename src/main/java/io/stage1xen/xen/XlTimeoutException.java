package io.stage1xen.xen;

/** xl did not finish in time and was killed; whatever it was doing to the domain may be half done. */
public final class XlTimeoutException extends XlException {
  private static final long serialVersionUID = 1L;

  public XlTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
