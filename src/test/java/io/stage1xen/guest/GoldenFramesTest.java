package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The golden frames of src/test/resources/protocol/ (README.md there): the host's encoders must write the host-to-guest
 * files byte for byte, and the host's reader must make of the guest-to-host files what the guest meant. The guest's C
 * unit tests (GuestInitUnitTest) hold the guest's side to the same files: its encoders write the guest-to-host ones,
 * its decoders read the host-to-guest ones. Regenerate with -Dgolden.update=true (this test writes the host's, the C
 * test the guest's) and review the diff.
 */
class GoldenFramesTest {
  static final Path DIR = Path.of(System.getProperty("user.dir"), "src", "test", "resources", "protocol");
  /** In the order the C unit test reads them back as one stream. */
  static final List<String> HOST_TO_GUEST = List.of("nop.bin", "plan.bin", "exec.bin", "stdin.bin", "stdin-eof.bin",
      "signal.bin", "winsize.bin", "app-start.bin", "app-stop.bin", "app-rm.bin", "shutdown.bin", "poweroff-ack.bin");
  static final List<String> GUEST_TO_HOST = List.of("hello.bin", "started.bin", "ready.bin", "stdout.bin",
      "stderr.bin", "log.bin", "exited.bin", "removed.bin", "poweroff.bin");
  static final int ADDED_SESSION = ControlChannel.FIRST_ADDED_SESSION;
  static final int EXEC_SESSION = ControlChannel.FIRST_EXEC_SESSION;

  /** The plan of plan.bin: every field a plan can hold. */
  static PodPlan plan() {
    AppPlan web = AppPlan.builder("web", "/s1x/app0/rootfs", List.of("/bin/sh", "-c", "echo \"$X\" 'a  b'\nnext"))
        .environment(List.of("PATH=/bin", "X=ünï €")).user("alice").group("staff")
        .supplementaryGids(List.of(10L, 4_000_000_000L)).workingDirectory("/srv").readOnlyRootFs(true)
        .preStart(List.of("/bin/true")).postStop(List.of("/bin/echo", "bye")).stdin(true).tty(true)
        .mount(new MountPlan("/s1x/vol0", "/data", true)).oomScoreAdj(-500).build();
    InterfacePlan eth0 = new InterfacePlan("eth0", "02:ab:cd:ef:01:23", "172.16.28.5/24", 1400, false, List.of(
        new InterfacePlan.RoutePlan("172.16.28.1/32", null), new InterfacePlan.RoutePlan("0.0.0.0/0", "172.16.28.1")));
    return new PodPlan("golden-pod", "127.0.0.1 localhost golden-pod\n", "nameserver 10.1.0.1\n", true,
        Duration.ofMillis(1234), false, List.of(new SharePlan("app0", "/s1x/app0", false),
        new SharePlan("vol0", "/s1x/vol0", true)), List.of(web), List.of(eth0));
  }

  /** The app of app-start.bin: an added app of a mutable pod, its root under the stage2 share. */
  static AppPlan added() {
    return AppPlan.builder("added", "/s1x/share/stage2/added", List.of("/bin/sleep", "1000"))
        .environment(List.of("PATH=/bin", "AC_APP_NAME=added")).user("0").group("0").workingDirectory("/").build();
  }

  static ExecRequest exec() {
    return new ExecRequest("web", List.of("/bin/sh", "-c", "echo \"$1\""), List.of("TERM=xterm"), true, 40, 132);
  }

  @Test
  void theHostWritesTheHostToGuestFramesByteForByte() throws Exception {
    // the handshake: one NOP, the guest's HELLO, the PLAN; the guest's POWEROFF, the host's POWEROFF_ACK
    Capture sent = new Capture();
    InputStream guest = new SequenceInputStream(sent.afterFirstFrame(), new ByteArrayInputStream(guestToHost()));
    ControlChannel channel = new ControlChannel(guest, sent, new EventLog(), Duration.ofHours(1));
    channel.start(plan());
    assertTrue(channel.awaitClosed(Duration.ofSeconds(10)), "the golden guest stream ends the channel");
    List<byte[]> handshake = sent.frames();

    // the host's requests of a running pod, each through the method the supervisor and enter use
    Capture requests = new Capture();
    ControlChannel running = new ControlChannel(InputStream.nullInputStream(), requests, new EventLog(),
        Duration.ofHours(1));
    running.startExec(EXEC_SESSION, PlanEncoder.encode(exec()));
    running.sendStdin(1, "line one\n".getBytes(StandardCharsets.UTF_8));
    running.sendStdin(1, new byte[0]);
    running.sendSignal(EXEC_SESSION, 15);
    running.sendWinsize(EXEC_SESSION, 40, 132);
    running.startApp(ADDED_SESSION, added());
    running.stopApp(ADDED_SESSION, Duration.ofMillis(1234));
    running.removeApp(ADDED_SESSION);
    running.sendShutdown(Duration.ofMillis(1234));
    List<byte[]> more = requests.frames();

    assertEquals(3, handshake.size(), "NOP, PLAN, POWEROFF_ACK");
    assertEquals(9, more.size());
    Map<String, byte[]> written = Map.ofEntries(Map.entry("nop.bin", handshake.get(0)),
        Map.entry("plan.bin", handshake.get(1)), Map.entry("poweroff-ack.bin", handshake.get(2)),
        Map.entry("exec.bin", more.get(0)), Map.entry("stdin.bin", more.get(1)),
        Map.entry("stdin-eof.bin", more.get(2)), Map.entry("signal.bin", more.get(3)),
        Map.entry("winsize.bin", more.get(4)), Map.entry("app-start.bin", more.get(5)),
        Map.entry("app-stop.bin", more.get(6)), Map.entry("app-rm.bin", more.get(7)),
        Map.entry("shutdown.bin", more.get(8)));
    assertEquals(Set.copyOf(HOST_TO_GUEST), written.keySet());
    for (String name : HOST_TO_GUEST) {
      if (Boolean.getBoolean("golden.update")) {
        Files.write(DIR.resolve(name), written.get(name));
      }
      assertEquals(hex(Files.readAllBytes(DIR.resolve(name))), hex(written.get(name)), name);
    }
  }

  @Test
  void theHostReadsTheGuestToHostFramesAsTheGuestMeantThem() throws Exception {
    EventLog log = new EventLog();
    ControlChannel channel = new ControlChannel(new ByteArrayInputStream(guestToHost()), OutputStream.nullOutputStream(),
        log, Duration.ofHours(1));
    channel.start(plan());
    List<String> events = new ArrayList<>();
    for (String e; (e = log.events.poll(10, TimeUnit.SECONDS)) != null; ) {
      events.add(e);
      if (e.startsWith("closed")) {
        break;
      }
    }
    assertEquals(List.of(
        "hello 1 kernel=6.1.0-28-amd64 guest=xen-pvh transport=xen mem_total_kb=100000 mem_available_kb=80000"
            + " uptime_ms=412",
        "started 1 4242",
        "ready",
        "STDOUT 1 out: \"quoted\" $HOME \u00ff\n",
        "STDERR " + EXEC_SESSION + " err\n",
        "log 1 INFO shutdown requested (SHUTDOWN frame)",
        "exited 1 143",
        "removed " + ADDED_SESSION,
        "poweroff APP_FAILED",
        "closed clean"), events);
  }

  /** Each file is one whole frame, of the type its name says. */
  @Test
  void everyFileIsOneFrameOfItsType() throws Exception {
    for (String name : concat(HOST_TO_GUEST, GUEST_TO_HOST)) {
      byte[] bytes = Files.readAllBytes(DIR.resolve(name));
      FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes));
      Frame f = reader.read();
      assertEquals(null, reader.read(), name + " holds one frame");
      String type = name.substring(0, name.length() - ".bin".length()).replace("stdin-eof", "stdin");
      assertEquals(type.toUpperCase().replace('-', '_'), frameName(f.type()), name);
    }
  }

  /** Adding a frame type or a field to protocol.h without a golden frame that carries it fails here. */
  @Test
  void theGoldenFramesCarryEveryFrameTypeAndEveryField() throws Exception {
    Map<String, Long> header = ProtocolTableTest.header();
    Set<String> types = new TreeSet<>();
    Set<String> tags = new TreeSet<>();
    for (String name : concat(HOST_TO_GUEST, GUEST_TO_HOST)) {
      Frame f = new FrameReader(new ByteArrayInputStream(Files.readAllBytes(DIR.resolve(name)))).read();
      types.add("F_" + frameName(f.type()));
      if (f.type() == Frame.PLAN || f.type() == Frame.EXEC) {
        collectTags(TlvDecoder.decode(f.payload()).children(), header, tags);
      }
    }
    assertEquals(names(header, "F_"), types, "frame types in the golden files");
    assertEquals(names(header, "T_"), tags, "fields in plan.bin and exec.bin");
  }

  private static void collectTags(List<TlvDecoder.Field> fields, Map<String, Long> header, Set<String> out) {
    for (TlvDecoder.Field f : fields) {
      header.forEach((name, v) -> {
        if (name.startsWith("T_") && v == f.tag()) {
          out.add(name);
        }
      });
      collectTags(f.children(), header, out);
    }
  }

  private static Set<String> names(Map<String, Long> header, String prefix) {
    return header.keySet().stream().filter(n -> n.startsWith(prefix)).collect(Collectors.toCollection(TreeSet::new));
  }

  private static String frameName(int type) throws IllegalAccessException {
    for (java.lang.reflect.Field f : Frame.class.getDeclaredFields()) {
      if (f.getType() == int.class && java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.getInt(null) == type
          && !Set.of("MAX_PAYLOAD", "MAX_DATA", "HEADER_BYTES").contains(f.getName())) {
        return f.getName();
      }
    }
    return String.format("0x%02x", type);
  }

  static byte[] guestToHost() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (String name : GUEST_TO_HOST) {
      all.write(Files.readAllBytes(DIR.resolve(name)));
    }
    return all.toByteArray();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Hex in lines of 32 bytes, so that a difference shows where it is. */
  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < b.length; i += 32) {
      sb.append(HexFormat.of().formatHex(b, i, Math.min(b.length, i + 32))).append('\n');
    }
    return sb.toString();
  }

  /** What the host wrote, one frame per write (FrameWriter writes each frame whole). */
  private static final class Capture extends OutputStream {
    private final List<byte[]> frames = new ArrayList<>();
    private final CountDownLatch first = new CountDownLatch(1);

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      frames.add(java.util.Arrays.copyOfRange(b, off, off + len));
      first.countDown();
    }

    @Override
    public void write(int b) {
      throw new UnsupportedOperationException("FrameWriter writes whole frames");
    }

    synchronized List<byte[]> frames() {
      return List.copyOf(frames);
    }

    /** An empty stream that ends once the first frame (the NOP) was written: the guest answers only then. */
    InputStream afterFirstFrame() {
      return new InputStream() {
        @Override
        public int read() throws IOException {
          try {
            if (!first.await(10, TimeUnit.SECONDS)) {
              throw new IOException("the host sent no NOP");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
          return -1;
        }
      };
    }
  }
}
