package io.stage1xen.xen;

import java.util.Objects;

/**
 * What stage1-xen did with one isolator. The appc spec requires an executor to tell the user which isolators it
 * ignored, enforced or modified.
 *
 * @param scope {@code pod} or the app's name
 */
public record IsolatorReport(String scope, String isolator, Disposition disposition, String detail) {

  public enum Disposition {
    /** Used to size the domain. */
    SIZED_DOMAIN,
    /** Enforced by the guest init inside the VM. */
    APPLIED_IN_GUEST,
    IGNORED
  }

  public IsolatorReport {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(isolator, "isolator");
    Objects.requireNonNull(disposition, "disposition");
    Objects.requireNonNull(detail, "detail");
  }

  public String describe() {
    String where = scope.equals("pod") ? "pod" : "app " + scope;
    String what = switch (disposition) {
      case SIZED_DOMAIN -> "sized the domain";
      case APPLIED_IN_GUEST -> "applied inside the guest";
      case IGNORED -> "ignored";
    };
    return "isolator " + isolator + " of " + where + ": " + what + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
