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
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    System.setProperty("org.slf4j.simpleLogger.warnLevelString", "WARNING");
  }
}
