package io.stage1xen.xen;

/** The named domain does not exist (any more). For stop and gc that is success: the pod's domain is gone. */
public final class DomainNotFoundException extends XlException {
  private static final long serialVersionUID = 1L;

  public DomainNotFoundException(String name) {
    super("no Xen domain named " + name);
  }
}
