package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tests/xen/ctl-client.c, the C host end the Xen benchmarks drive a bare guest with, built as the smoke suite builds
 * it and run against the golden guest frames (src/test/resources/protocol/): its PLAN must read as its command line
 * says, and it must print every event the guest sent and acknowledge the power-off.
 */
class CtlClientTest {
  @TempDir Path tmp;

  @Test
  void ctlClientSpeaksTheProtocol() throws Exception {
    Assumptions.assumeTrue(GuestInitUnitTest.onPath("gcc"), "gcc is not installed (Debian package gcc): not run");
    Path source = Path.of(System.getProperty("user.dir"), "tests", "xen", "ctl-client.c");
    Path bin = tmp.resolve("ctl-client");
    assertEquals("", GuestInitUnitTest.run(List.of("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", bin.toString(),
        source.toString())).strip(), "compiles without warnings");
    Path socket = tmp.resolve("ctl.sock");
    byte[] hello = Files.readAllBytes(GoldenFramesTest.DIR.resolve("hello.bin"));
    byte[] stream = GoldenFramesTest.guestToHost();
    byte[] rest = Arrays.copyOfRange(stream, hello.length, stream.length);

    Process client;
    Frame plan;
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      client = new ProcessBuilder(bin.toString(), socket.toString(), "0", "--grace", "2000", "--share", "app0",
          "/s1x/app0", "--app", "web", "/s1x/app0/rootfs", "/bin/echo", "a b").redirectErrorStream(true).start();
      try (UnixSocketLink link = UnixSocketLink.of(server.accept())) {
        FrameReader fromClient = new FrameReader(link.in());
        OutputStream toClient = link.out();
        assertEquals(Frame.NOP, fromClient.read().type(), "the client pokes first");
        toClient.write(hello);
        toClient.flush();
        Frame f;
        while ((f = fromClient.read()).type() == Frame.NOP) {
          // NOPs sent before the HELLO arrived
        }
        plan = f;
        toClient.write(rest);
        toClient.flush();
        assertEquals(Frame.POWEROFF_ACK, fromClient.read().type(), "POWEROFF is acknowledged");
      }
    }
    assertTrue(client.waitFor(30, TimeUnit.SECONDS), "ctl-client ends with the stream");
    String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    assertEquals(0, client.exitValue(), out);

    assertEquals(Frame.PLAN, plan.type());
    TlvDecoder.Field p = TlvDecoder.decode(plan.payload());
    assertEquals(PlanEncoder.VERSION, p.one(PlanEncoder.T_VERSION).u32());
    assertEquals("measure", p.one(PlanEncoder.T_HOSTNAME).text());
    assertEquals(2000, p.one(PlanEncoder.T_GRACE_MS).u32());
    TlvDecoder.Field share = p.one(PlanEncoder.T_SHARE);
    assertEquals(List.of("app0", "/s1x/app0"),
        List.of(share.one(PlanEncoder.T_SHARE_TAG).text(), share.one(PlanEncoder.T_SHARE_PATH).text()));
    TlvDecoder.Field app = p.one(PlanEncoder.T_APP);
    assertEquals(List.of("web", "/s1x/app0/rootfs"),
        List.of(app.one(PlanEncoder.T_NAME).text(), app.one(PlanEncoder.T_ROOT).text()));
    assertEquals(List.of("/bin/echo", "a b"), app.texts(PlanEncoder.T_ARG));

    // each line starts with the milliseconds since T0
    assertEquals(List.of("CONNECTED",
        "HELLO kernel=6.1.0-28-amd64 guest=xen-pvh transport=xen mem_total_kb=100000 mem_available_kb=80000"
            + " uptime_ms=412",
        "STARTED 1 pid 4242",
        "READY",
        "STDOUT-FIRST 1 out: \"quoted\" $HOME \u00ff",
        "STDERR " + ControlChannel.FIRST_EXEC_SESSION + " err",
        "LOG 1 shutdown requested (SHUTDOWN frame)",
        "EXITED 1 143",
        "POWEROFF 1",
        "EOF"), out.lines().map(l -> l.replaceFirst("^-?[0-9]+ ", "")).toList(), out);
  }
}
