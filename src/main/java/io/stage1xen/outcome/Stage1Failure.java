package io.stage1xen.outcome;

/**
 * A failure anticipated by stage1-xen, with a message written for the person running the pod: it names what was
 * wrong (the file, the field and the value, the flag, the host setting, what the pod VM did) and what to do about it.
 * Its {@link Kind} decides the exit code, in {@code cli.ExitCodes} and nowhere else.
 *
 * <p>Every other exception that reaches the command line is a bug of stage1-xen and is reported as an internal
 * error. Checks of a caller's own contract (a negative domid handed to a record, a second start of a channel)
 * therefore keep throwing the JDK's exceptions: they are never the user's doing.
 */
public class Stage1Failure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What the failure means to rkt, which is all an exit code can say. */
  public enum Kind {
    /** The pod cannot run as given, the host cannot run it, or running it failed. */
    FAILED,
    /** A command-line value breaks its rules (found after parsing, by the parameters' own records). */
    USAGE,
    /** app/stop asked to stop an app that is not running, which rkt treats apart. */
    APP_NOT_RUNNING
  }

  private final Kind kind;

  public Stage1Failure(String message) {
    this(Kind.FAILED, message, null);
  }

  public Stage1Failure(String message, Throwable cause) {
    this(Kind.FAILED, message, cause);
  }

  public Stage1Failure(Kind kind, String message) {
    this(kind, message, null);
  }

  public Stage1Failure(Kind kind, String message, Throwable cause) {
    super(message, cause);
    if (kind == null) {
      throw new IllegalArgumentException("a failure needs its kind");
    }
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
