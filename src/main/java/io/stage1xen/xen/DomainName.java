package io.stage1xen.xen;

import io.stage1xen.appc.PodUuid;
import io.stage1xen.outcome.Stage1Failure;
import java.util.regex.Pattern;

/**
 * Domain names. A pod's domain is {@code rkt-<pod uuid>}: unique per host because rkt's pod UUIDs are, and
 * recognisable in {@code xl list}. xl 4.17 accepted names of 200 characters when measured; 64 is kept as our bound.
 */
public final class DomainName {
  public static final String PREFIX = "rkt-";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private DomainName() {}

  /** The UUID's own rules (lower-case 8-4-4-4-12 hex) make the name safe for xl. */
  public static String forPod(PodUuid podUuid) {
    return PREFIX + podUuid;
  }

  static String check(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new Stage1Failure("domain name '" + XlSyntax.show(name) + "' is invalid (expected "
          + NAME.pattern() + ")");
    }
    return name;
  }
}
