package io.stage1xen.xen;

/** An xl call failed; the message is one line with the argv and xl's last words. */
public class XlException extends Exception {
  private static final long serialVersionUID = 1L;

  public XlException(String message) {
    super(message);
  }

  public XlException(String message, Throwable cause) {
    super(message, cause);
  }
}
