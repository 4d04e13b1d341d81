package io.stage1xen.process;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * How the JDK starts a child process in the native executable.
 *
 * <p>GraalVM's runtime sets {@code jdk.lang.Process.launchMechanism} to FORK when it loads the JDK's native library
 * (it has no {@code jspawnhelper} for the JDK's own default, POSIX_SPAWN). With fork, every mount, umount and xl the
 * stage1 starts begins as a copy of the whole executable: its page tables are copied, and each page the stage1 writes
 * while the child lives is copied again on a fault. In a paravirtualised dom0 every page-table update is a hypercall
 * (measured in an emulated one, the run entrypoint's way to xl create: medians of 1.07-1.27 s with fork, 0.94-1.14 s
 * with vfork; docs/BENCHMARKS.md). vfork shares the address space until the child calls exec, which is what the JDK
 * did by default on Linux up to JDK 12; in that window the JDK's child code only sets up the standard descriptors,
 * closes the others and calls exec, while the calling thread waits.
 *
 * <p>The JDK reads the property once, when {@code java.lang.ProcessImpl} is initialised, and {@code System.getenv()}
 * already initialises it, so {@link #configure()} must run before anything else in the entrypoint. JDK 25, which
 * deprecated VFORK (a later JDK removes it), prints a notice on stderr when it reads it; that notice is kept out of
 * the entrypoint's stderr, which rkt shows to the user. Unlike the fork path, vfork leaves the child the stage1's own
 * signal mask, and the stage1 blocks nothing itself (docs/SECURITY.md). On the JVM the JDK's default (posix_spawn
 * through jspawnhelper) is already cheap and is kept. No logger here: this runs before the entrypoint configures
 * logging.
 */
public final class ChildLaunch {
  static final String PROPERTY = "jdk.lang.Process.launchMechanism";
  /** The last JDK whose ProcessImpl accepts VFORK (deprecated in 25); a newer runtime keeps what GraalVM chose. */
  static final int LAST_JDK_WITH_VFORK = 25;

  private ChildLaunch() {}

  /** Switches a native executable's children to vfork where that is safe to ask for; call it first in main. */
  public static void configure() {
    if (!useVfork(System.getProperty("org.graalvm.nativeimage.imagecode"), System.getProperty(PROPERTY),
        Runtime.version().feature())) {
      return;
    }
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    try {
      System.setProperty(PROPERTY, "VFORK");
      // initialised here, while its notice goes nowhere; a constant name, so a native image resolves it at build time
      Class.forName("java.lang.ProcessImpl");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the JDK has no java.lang.ProcessImpl", e);
    } finally {
      System.setErr(stderr);
    }
  }

  /** The mechanism in force, for --debug: the JDK read the property when ProcessImpl was initialised. */
  public static String chosen() {
    return System.getProperty(PROPERTY, "the runtime's default");
  }

  /**
   * Whether to ask for VFORK: only in a native image ({@code imageCode} "runtime"), only over GraalVM's FORK (a
   * mechanism someone set on purpose is theirs), and only on a JDK known to accept it.
   */
  static boolean useVfork(String imageCode, String current, int jdkFeature) {
    return "runtime".equals(imageCode) && "FORK".equals(current) && jdkFeature <= LAST_JDK_WITH_VFORK;
  }
}
