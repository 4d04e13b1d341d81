package io.stage1xen.cli;

/**
 * Configures slf4j-simple before the first logger exists: everything goes to stderr (rkt discards gc's stdout and
 * apps own run's stdout), one line per message, debug level only with --debug.
 */
final class Logging {
  private Logging() {}

  static void configure(boolean debug) {
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "info");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", debug ? "true" : "false");
    System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "false");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", debug ? "true" : "false");
    // slf4j-simple builds a SimpleDateFormat whenever a format is set, shown or not, and that loads the locale and
    // calendar data: most of what an entrypoint's start-up allocates (native executable: 1.6 of 2.45 MB), every pod
    if (debug) {
      System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    } else {
      System.clearProperty("org.slf4j.simpleLogger.dateTimeFormat");
    }
    System.setProperty("org.slf4j.simpleLogger.warnLevelString", "WARNING");
  }
}
