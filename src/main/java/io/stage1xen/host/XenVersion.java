package io.stage1xen.host;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Xen release as {@code xl info} reports it ({@code xen_version : 4.17.7}, also {@code 4.17.5-pre} or
 * {@code 4.19-unstable}). Ordered by major, minor and patch; the text after them only shows in messages.
 */
public record XenVersion(int major, int minor, int patch, String suffix) implements Comparable<XenVersion> {
  private static final Pattern FORM = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})(?:\\.(\\d{1,6}))?([-+~._a-zA-Z0-9]*)");

  /** The first release with {@code p9=} shares and PVH guests (through {@code builder="hvm"}). */
  public static final XenVersion MINIMUM = new XenVersion(4, 9, 0, "");
  /** The first release that knows {@code type="pvh"}. */
  public static final XenVersion TYPE_PVH = new XenVersion(4, 10, 0, "");
  /** The first release whose {@code virt_caps} lists {@code pv} (before it, PV support went unmentioned). */
  public static final XenVersion VIRT_CAPS_PV = new XenVersion(4, 12, 0, "");

  public XenVersion {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException("negative Xen version component: " + major + "." + minor + "." + patch);
    }
    Objects.requireNonNull(suffix, "suffix");
  }

  /** Parses {@code 4.17.7}; throws with the offending text when it is not a version. */
  public static XenVersion parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a Xen version: '" + text + "'");
    }
    int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return new XenVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch, m.group(4));
  }

  public boolean atLeast(XenVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(XenVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch + suffix;
  }
}
