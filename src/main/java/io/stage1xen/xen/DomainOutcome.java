package io.stage1xen.xen;

/** What a shutdown or destroy found: it acted on the domain, or there was no such domain (success for stop/gc). */
public enum DomainOutcome {
  DONE,
  NOT_FOUND
}
