package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the guest sends is untrusted: its text becomes printable before anyone sees it ({@link Frame#text}), and an
 * exit status is one only when it is one ({@link Frame#exitCode}).
 */
class GuestTextTest {

  /** Hostile text, and how it must look: one line, showing what was sent and doing nothing else. */
  static Stream<Arguments> hostileText() {
    return Stream.of(
        Arguments.of("plain words: 1 = 1", "plain words: 1 = 1"),
        Arguments.of("ünïcödé € 😀 中文", "ünïcödé € 😀 中文"),
        Arguments.of("\u001b[2J\u001b[H clear screen", "\\u001b[2J\\u001b[H clear screen"),
        Arguments.of("\u001b]0;title\u0007", "\\u001b]0;title\\u0007"),
        Arguments.of("\u001bP+q\u001b\\ device control", "\\u001bP+q\\u001b\\\\ device control"),
        Arguments.of("ok\nWARNING forged line", "ok\\nWARNING forged line"),
        Arguments.of("progress\roverwritten", "progress\\roverwritten"),
        Arguments.of("tab\there", "tab\\there"),
        Arguments.of("back\b\b\bspace", "back\\u0008\\u0008\\u0008space"),
        Arguments.of("nul\0byte", "nul\\u0000byte"),
        Arguments.of("del\u007f", "del\\u007f"),
        Arguments.of("C1 CSI \u009b31m red", "C1 CSI \\u009b31m red"),
        Arguments.of("C1 OSC \u009d0;t\u009c", "C1 OSC \\u009d0;t\\u009c"),
        Arguments.of("next line\u0085forged", "next line\\u0085forged"),
        Arguments.of("line\u2028separator\u2029paragraph", "line\\u2028separator\\u2029paragraph"),
        Arguments.of("rtl \u202egnp.exe\u202c", "rtl \\u202egnp.exe\\u202c"),
        Arguments.of("isolate \u2066x\u2069 mark \u200f", "isolate \\u2066x\\u2069 mark \\u200f"),
        Arguments.of("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        Arguments.of("tag \udb40\udc01", "tag \\U000e0001"),
        Arguments.of("lone \ud800 surrogate", "lone \\ud800 surrogate"),
        Arguments.of("looks like \\u001b already", "looks like \\\\u001b already"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("hostileText")
  void guestTextIsMadePrintable(String sent, String shown) {
    assertEquals(shown, PlanChecks.printable(sent));
    byte[] utf8 = ("\u0001" + sent).getBytes(StandardCharsets.UTF_8);
    if (!sent.contains("\ud800")) { // an unpaired surrogate is not UTF-8: it cannot arrive in a frame
      assertEquals(shown, new Frame(Frame.LOG, 0, utf8).text(1));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"c0", "ff", "ed a0 80", "f8 88 80 80 80", "e2 80"})
  void malformedUtf8IsReplacedNotPassedOn(String hex) {
    String[] parts = hex.split(" ");
    byte[] payload = new byte[1 + parts.length];
    for (int i = 0; i < parts.length; i++) {
      payload[1 + i] = (byte) Integer.parseInt(parts[i], 16);
    }
    String text = new Frame(Frame.LOG, 0, payload).text(1);
    assertEquals(text.replace("\ufffd", ""), "", text);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 127, 128 + 9, 128 + 64, 255})
  void exitStatusesOfZeroTo255AreTakenAsSent(int code) throws Exception {
    assertEquals(code, new Frame(Frame.EXITED, 1, ByteBuffer.allocate(4).putInt(code).array()).exitCode());
  }

  /** A status no process can have is a protocol violation, whatever it would become modulo 256. */
  @ParameterizedTest
  @ValueSource(ints = {256, 257, 512, 65535, Integer.MAX_VALUE, -1, -255, Integer.MIN_VALUE})
  void exitStatusesOutsideZeroTo255AreProtocolViolations(int code) {
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> new Frame(Frame.EXITED, 7, ByteBuffer.allocate(4).putInt(code).array()).exitCode());
    assertEquals("the guest sent EXITED for session 7 with status " + code + "; an exit status is 4 bytes holding 0"
        + " to 255", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 5, 8})
  void anExitedFrameOfAnotherLengthIsAProtocolViolation(int length) {
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> new Frame(Frame.EXITED, 2, new byte[length]).exitCode());
    assertEquals("the guest sent EXITED for session 2 with a payload of " + length + " bytes; an exit status is 4"
        + " bytes holding 0 to 255", e.getMessage());
  }
}
