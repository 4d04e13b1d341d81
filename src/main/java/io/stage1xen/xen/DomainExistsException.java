package io.stage1xen.xen;

/** xl create was asked for a name that a running domain already has (a pod UUID is never reused by rkt). */
public final class DomainExistsException extends XlException {
  private static final long serialVersionUID = 1L;

  public DomainExistsException(String name, int domid) {
    super("a Xen domain named " + name + " already exists (domid " + domid + "); destroy it with 'xl destroy " + name
        + "' or let 'rkt gc' do it");
  }
}
