package io.stage1xen.pod;

import io.stage1xen.appc.InvalidValueException;
import io.stage1xen.outcome.Stage1Failure;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The checks the entrypoint parameter records share for values that come from rkt's command line. */
final class EntrypointValues {
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,512}");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  /** Linux's HOST_NAME_MAX. */
  static final int MAX_HOSTNAME = 64;

  private EntrypointValues() {}

  static Path path(Path value, String flag) {
    if (value == null || value.toString().isEmpty()) {
      throw new Stage1Failure(flag + ": needs a path");
    }
    if (value.toString().indexOf('\0') >= 0) {
      throw new Stage1Failure(flag + ": must not contain NUL");
    }
    return value;
  }

  static String token(String value, String flag) {
    if (value == null || !TOKEN.matcher(value).matches()) {
      throw new Stage1Failure(flag + ": must be 1 to 512 printable characters without spaces, not "
          + quote(value));
    }
    return value;
  }

  /** A value in a message: quoted, escaped, never longer than a line should be. */
  static String quote(String value) {
    return value == null ? "nothing" : InvalidValueException.quote(value);
  }

  static String hostname(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_HOSTNAME) {
      throw new Stage1Failure("--hostname: must be 1 to " + MAX_HOSTNAME + " characters, not "
          + quote(value));
    }
    for (String label : value.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new Stage1Failure("--hostname: not a valid hostname (RFC 1123 labels joined by '.'): "
            + quote(value));
      }
    }
    return value;
  }
}
