package io.stage1xen.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one-line output tail of error messages, with and without a tool's clean-up errors after the cause. */
class ExecResultTest {
  private static final Predicate<String> CLEANUP = line -> line.startsWith("cleanup:");

  private static ExecResult result(String stdout, String stderr) {
    return new ExecResult(Command.of(Duration.ofSeconds(1), "tool"), 1, stdout, stderr);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
      a\\nb\\nc\\nd;                                  b | c | d
      a\\nb\\nc\\nd\\n\\n;                            b | c | d
      a\\nb\\nc\\ncleanup: x\\ncleanup: y;             a | b | c
      cause\\ncleanup: x;                             cause
      cleanup: x\\ncleanup: y;                        cleanup: x | cleanup: y
      one;                                            one
      a\\nb\\ncleanup: x\\nnot flagged\\ncleanup: y;  a | b
      cause\\ncleanup: x\\nnot flagged;            cause
      cleanup: x\\nnot flagged;                    cleanup: x | not flagged
      """)
  void theCleanUpFromItsFirstLineOnIsLeftOutUnlessThereIsNothingBefore(String stderr, String expected) {
    assertEquals(expected, result("", stderr.replace("\\n", "\n")).outputTail(CLEANUP));
  }

  @ParameterizedTest(name = "[{index}] stdout when stderr is blank: {0}")
  @CsvSource(delimiter = ';', textBlock = """
      out1\\nout2;   '';        out1 | out2
      out1;          '  \\n';   out1
      out1;          err;       err
      """)
  void stdoutStandsInForABlankStderr(String stdout, String stderr, String expected) {
    assertEquals(expected, result(stdout.replace("\\n", "\n"), stderr.replace("\\n", "\n")).outputTail());
  }
}
