package io.stage1xen.xen;

import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A 9pfs share ({@code p9=}): a dom0 directory the guest mounts with {@code mount -t 9p -o trans=xen <tag>}, with
 * the security model QEMU applies to what the guest writes ({@link P9SecurityModel}); the backend is the default
 * (QEMU in dom0).
 */
public record P9Share(String tag, Path path, P9SecurityModel securityModel) {
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_-]{1,31}");

  public P9Share {
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw new Stage1Failure("p9 tag '" + XlSyntax.show(tag) + "' is invalid (expected " + TAG.pattern()
          + ")");
    }
    Objects.requireNonNull(path, "p9 path");
    if (!path.isAbsolute()) {
      throw new Stage1Failure("p9 share " + tag + ": path '" + XlSyntax.show(path.toString())
          + "' must be absolute");
    }
    XlSyntax.specValue("p9 share " + tag + " path", path.toString());
    Objects.requireNonNull(securityModel, "p9 security model");
  }

  /** The device spec inside {@code p9=[ … ]}. */
  String spec() {
    return "tag=" + tag + ",security_model=" + securityModel.xlName() + ",path=" + path;
  }
}
