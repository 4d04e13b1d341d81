package io.stage1xen.appc;

/**
 * An isolator stage1-xen does not know, kept with its value as JSON text so that it can be reported and written
 * back unchanged.
 */
public record UnknownIsolator(String json) implements IsolatorValue {
  public UnknownIsolator {
    json = json == null ? "null" : json;
  }
}
