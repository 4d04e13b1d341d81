package io.stage1xen.testing;

import io.stage1xen.guest.ControlChannel.Listener.LogLevel;
import io.stage1xen.guest.ControlChannel.Listener.PoweroffReason;
import io.stage1xen.guest.Frame;
import io.stage1xen.guest.FrameReader;
import io.stage1xen.guest.FrameWriter;
import io.stage1xen.guest.PlanEncoder;
import io.stage1xen.guest.TlvDecoder;
import io.stage1xen.guest.UnixSocketLink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test double of a pod VM, started by the fake {@code xl create}: it serves the control channel socket named in the
 * domain config (as QEMU does) and speaks the guest side of docs/PROTOCOL.md. Apps are not executed: an app whose
 * exec is {@code /fake op...} performs the ops ({@code out:TEXT}, {@code err:TEXT}, {@code log:TEXT} (a LOG error of
 * the init, on the app's session, as a hostile guest may send any), {@code sleep:MS}, {@code exit:N} (any int, also
 * outside an exit status's range),
 * {@code hang} (until the pod stops, then 143), {@code cat} (stdin to stdout until EOF), {@code env} (prints its
 * environment), {@code deaf} (the guest stops reading its channel, as a paused one does; it still writes),
 * {@code bytes:N} (N bytes 0, 1, ..., 255, 0, ... on stdout), {@code nics} (the plan's network
 * interfaces, one line each), {@code resolv} (the plan's resolv.conf), {@code crash} (the whole VM dies without
 * powering off), {@code await:PATH} (until that dom0 file exists), {@code write:PATH=TEXT} and {@code read:PATH} (a file of the app's view: its volumes, else its root,
 * found through the plan's shares and mounts and the p9 paths of the domain config, as QEMU and the guest would; a
 * failed write prints the error on stderr and ends the app with 1; {@code try-write:PATH=TEXT} only says on stdout
 * whether it was done or refused)); any other app prints what it would run and exits 0. Enter sessions (EXEC) run
 * the same ops in an
 * app that exists, and end with 128+N on SIGNAL N. FAKE_GUEST_MODE=silent makes the guest never answer (a guest that
 * does not boot). FAKE_GUEST_DIE=POINT:HOW makes the VM die at a point of its start, {@code accept} (the host
 * connected to the channel) or {@code plan} (the plan arrived, after the hello), the way HOW says, leaving what Xen
 * and xl would ({@code $FAKE_XEN_LOG_DIR/xl-<name>.log}, {@code console/guest-<name>.log} there, xl dmesg's lines):
 * {@code destroyed} (from outside), {@code crash} (a kernel panic), {@code triple-fault} (Xen's HVM shutdown action);
 * the app op {@code crash} leaves the traces of a crash too. FAKE_GUEST_HOLD=PATH: the VM boots until that dom0 file
 * exists (it answers nothing before). A mutable plan without apps (a sandbox) stays up until it is stopped.
 */
public final class FakeGuest {
  private static final int APP_KILLED = 143;

  private final FrameWriter writer;
  private final Object writeLock = new Object();
  private final Path shutdownFile;
  private final List<App> apps = new ArrayList<>();
  private final List<String> appNames = new ArrayList<>();
  private final java.util.Map<Integer, App> sessions = new java.util.concurrent.ConcurrentHashMap<>();
  /** A mutable pod's added apps (APP_START), and the exit status of those that ended. */
  private final java.util.Map<Integer, App> added = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<Integer, Integer> addedCodes = new java.util.concurrent.ConcurrentHashMap<>();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CountDownLatch acked = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicInteger running = new AtomicInteger();
  private volatile PoweroffReason reason = PoweroffReason.ALL_DONE;
  private volatile boolean deaf;
  private volatile TlvDecoder.Field plan;

  /** p9 tag to the dom0 directory QEMU would export, from the domain config. */
  private final java.util.Map<String, Path> exports = new java.util.HashMap<>();

  private FakeGuest(OutputStream out, Path shutdownFile, String cfg) {
    this.writer = new FrameWriter(out);
    this.shutdownFile = shutdownFile;
    Matcher m = Pattern.compile("\"tag=([^,\"]+),security_model=[a-z-]+,path=([^\"]*)\"").matcher(cfg);
    while (m.find()) {
      exports.put(m.group(1), Path.of(m.group(2)));
    }
  }

  public static void main(String[] args) throws Exception {
    String cfg = Files.readString(Path.of(args[0]));
    Path state = Path.of(args[1]);
    String name = find(cfg, "(?m)^name = \"(.*)\"$");
    Path socket = Path.of(find(cfg, "name=stage1-xen-ctl,connection=socket,path=([^\"]*)"));
    Path domain = state.resolve("domains").resolve(name);
    // the fake xl hands out the domain ids, distinct as Xen's are; started by hand, the pid stands in
    String domid = System.getenv().getOrDefault("FAKE_XEN_DOMID", Long.toString(1 + ProcessHandle.current().pid()));
    Files.writeString(domain, ProcessHandle.current().pid() + "\n" + domid + "\n");
    boolean silent = "silent".equals(System.getenv("FAKE_GUEST_MODE"));
    death = new Death(state, name, domid, domain, socket);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      try (UnixSocketLink link = UnixSocketLink.of(server.accept())) {
        death.at("accept");
        // a domain made with `xl create -p` runs nothing until `xl unpause`: QEMU's socket is there, the guest is not
        Path running = state.resolve("running-" + name);
        while (!Files.exists(running)) {
          Thread.sleep(20);
        }
        // a VM that is still booting: the host's frames wait in the channel until the file exists
        String hold = System.getenv("FAKE_GUEST_HOLD");
        while (hold != null && !Files.exists(Path.of(hold))) {
          Thread.sleep(50);
        }
        if (silent) {
          Thread.sleep(Long.MAX_VALUE);
        }
        FakeGuest guest = new FakeGuest(link.out(), state.resolve("shutdown-" + name), cfg);
        guest.serve(link.in());
      }
    } finally {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(domain);
    }
    System.exit(0);
  }

  private static Death death;

  /** The VM's death at a point of its start (FAKE_GUEST_DIE), with the traces Xen and xl leave. */
  private record Death(Path state, String name, String domid, Path domainFile, Path socket) {
    void at(String point) throws IOException, InterruptedException {
      String spec = System.getenv().getOrDefault("FAKE_GUEST_DIE", "");
      if (spec.startsWith(point + ":")) {
        now(spec.substring(point.length() + 1));
      }
    }

    void now(String how) throws IOException, InterruptedException {
      if (how.equals("orphaned")) {
        // destroyed while xl create spawned QEMU (seen on Xen 4.17): the domain is gone, its QEMU lives on with the
        // channel open and says nothing; orphan-NAME has its pid for the test to check
        Files.writeString(state.resolve("orphan-" + name), ProcessHandle.current().pid() + "\n");
        Files.deleteIfExists(domainFile);
        Thread.sleep(Long.MAX_VALUE);
      }
      Files.deleteIfExists(domainFile);
      Files.deleteIfExists(socket);
      String logs = System.getenv("FAKE_XEN_LOG_DIR");
      List<String> monitor = switch (how) {
        case "destroyed" -> List.of("Domain " + domid + " has been destroyed.");
        case "crash" -> List.of("Domain " + domid + " has shut down, reason code 3 0x3",
            "Action for shutdown reason code 3 is destroy");
        case "triple-fault" -> List.of("Domain " + domid + " has shut down, reason code 1 0x1",
            "Action for shutdown reason code 1 is destroy");
        default -> throw new IllegalArgumentException("fake guest: no death '" + how + "'");
      };
      if (how.equals("triple-fault")) {
        Files.writeString(state.resolve("dmesg"), "(XEN) [   52.061524] d" + domid + "v0 Triple fault - invoking"
            + " HVM shutdown action\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      if (logs != null) {
        Path console = Files.createDirectories(Path.of(logs, "console")).resolve("guest-" + name + ".log");
        if (how.equals("crash")) {
          Files.writeString(console, "[    2.310118] Kernel panic - not syncing: VFS: Unable to mount root fs on"
              + " unknown-block(0,0)\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        List<String> lines = new ArrayList<>(monitor);
        if (!how.equals("destroyed")) {
          lines.add("Domain " + domid + " needs to be cleaned up: destroying the domain");
        }
        lines.add("Done. Exiting now");
        Files.write(Path.of(logs, "xl-" + name + ".log"), lines, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
      Runtime.getRuntime().halt(0);
    }
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("fake guest: no match for " + regex);
    }
    return m.group(1);
  }

  private void serve(InputStream in) throws Exception {
    FrameReader reader = new FrameReader(in);
    Thread frames = new Thread(() -> readFrames(reader), "frames");
    frames.setDaemon(true);
    frames.start();
    Thread poller = new Thread(this::pollShutdownFile, "xl-shutdown");
    poller.setDaemon(true);
    poller.start();
    done.await();
    send(Frame.POWEROFF, 0, new byte[] {(byte) reason.wire()});
    acked.await(3, TimeUnit.SECONDS);
  }

  private void readFrames(FrameReader reader) {
    boolean helloSent = false;
    try {
      Frame f;
      while ((f = reader.read()) != null) {
        if (deaf) {
          Thread.sleep(Long.MAX_VALUE); // a paused or hung guest: the host's frames pile up in the socket
        }
        switch (f.type()) {
          case Frame.NOP -> {
            if (!helloSent) {
              helloSent = true;
              byte[] info = "kernel=fake guest=fake transport=fake".getBytes(StandardCharsets.UTF_8);
              send(Frame.HELLO, 0, ByteBuffer.allocate(4 + info.length).putInt(PlanEncoder.VERSION).put(info)
                  .array());
            }
          }
          case Frame.PLAN -> {
            death.at("plan");
            startApps(TlvDecoder.decode(f.payload()));
          }
          case Frame.STDIN -> {
            App target = sessions.get(f.session());
            if (target != null) {
              target.stdin.add(f.payload());
            }
          }
          case Frame.SIGNAL -> {
            App target = sessions.get(f.session());
            if (target != null) {
              target.signal.add(f.payload()[0] & 0xFF);
            }
          }
          case Frame.EXEC -> exec(f.session(), TlvDecoder.decode(f.payload()));
          case Frame.APP_START -> startAdded(f.session(), TlvDecoder.decode(f.payload()));
          case Frame.APP_STOP -> stopAdded(f.session());
          case Frame.APP_RM -> removeAdded(f.session());
          case Frame.SHUTDOWN -> {
            // as the real init does: the request is logged at once, which tells the host this guest still reads
            send(Frame.LOG, 0, log(LogLevel.INFO, "shutdown requested (SHUTDOWN frame)"));
            stop(PoweroffReason.REQUESTED);
          }
          case Frame.POWEROFF_ACK -> acked.countDown();
          default -> { }
        }
      }
    } catch (IOException e) {
      // the host went away: a real guest would carry on; this one just stops
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pollShutdownFile() {
    try {
      while (!Files.exists(shutdownFile)) {
        Thread.sleep(100);
      }
      Files.deleteIfExists(shutdownFile);
      stop(PoweroffReason.REQUESTED);
    } catch (InterruptedException | IOException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stop(PoweroffReason why) {
    synchronized (this) {
      if (stopping.getCount() > 0) {
        reason = why;
        stopping.countDown();
      }
    }
  }

  private void startApps(TlvDecoder.Field plan) throws IOException {
    this.plan = plan;
    List<TlvDecoder.Field> appFields = plan.all(PlanEncoder.T_APP);
    for (TlvDecoder.Field a : appFields) {
      appNames.add(a.one(PlanEncoder.T_NAME).text());
    }
    java.util.Map<String, Path> shares = shares();
    for (int i = 0; i < appFields.size(); i++) {
      TlvDecoder.Field a = appFields.get(i);
      App app = new App(1 + i, a.texts(PlanEncoder.T_ARG), a.texts(PlanEncoder.T_ENV), true);
      app.view.put("/", onHost(shares, a.one(PlanEncoder.T_ROOT).text()));
      for (TlvDecoder.Field mount : a.all(PlanEncoder.T_MOUNT)) {
        app.view.put(mount.one(PlanEncoder.T_MOUNT_TARGET).text(),
            onHost(shares, mount.one(PlanEncoder.T_MOUNT_SOURCE).text()));
      }
      apps.add(app);
      sessions.put(app.session, app);
    }
    running.set(apps.size());
    for (App app : apps) {
      send(Frame.STARTED, app.session, ByteBuffer.allocate(4).putInt(1000 + app.session).array());
    }
    send(Frame.READY, 0, new byte[0]);
    boolean mutable = !plan.all(PlanEncoder.T_MUTABLE).isEmpty() && plan.one(PlanEncoder.T_MUTABLE).bool();
    if (apps.isEmpty() && mutable) {
      // a sandbox stays up, as the real init does, until it is asked to stop
      Thread t = new Thread(() -> {
        try {
          stopping.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        done.countDown();
      }, "sandbox");
      t.setDaemon(true);
      t.start();
    } else if (apps.isEmpty()) {
      done.countDown();
    }
    for (App app : apps) {
      Thread t = new Thread(() -> app.run(), "app-" + app.session);
      t.setDaemon(true);
      t.start();
    }
  }

  /** The plan's shares: guest path to the dom0 directory behind it. */
  private java.util.Map<String, Path> shares() {
    java.util.Map<String, Path> shares = new java.util.HashMap<>();
    for (TlvDecoder.Field sh : plan.all(PlanEncoder.T_SHARE)) {
      Path host = exports.get(sh.one(PlanEncoder.T_SHARE_TAG).text());
      if (host != null) {
        shares.put(sh.one(PlanEncoder.T_SHARE_PATH).text(), host);
      }
    }
    return shares;
  }

  /**
   * APP_START of a mutable pod: the app runs its ops in its root under the share of added apps; it ends on its own
   * or on APP_STOP (as SIGTERM: 143 for {@code hang}), and its end never stops the pod. A root that is not in the
   * share (app/add did not bind it) fails the start with a LOG error and 125, as the real init's does.
   */
  private void startAdded(int session, TlvDecoder.Field app) throws IOException {
    App proc = new App(session, app.texts(PlanEncoder.T_ARG), app.texts(PlanEncoder.T_ENV), false);
    Path root = onHost(shares(), app.one(PlanEncoder.T_ROOT).text());
    if (!Files.isDirectory(root)) {
      send(Frame.LOG, session, log(LogLevel.ERROR, "app " + app.one(PlanEncoder.T_NAME).text() + ": root "
          + app.one(PlanEncoder.T_ROOT).text() + ": No such file or directory"));
      addedCodes.put(session, 125);
      send(Frame.EXITED, session, ByteBuffer.allocate(4).putInt(125).array());
      return;
    }
    proc.view.put("/", root);
    for (TlvDecoder.Field mount : app.all(PlanEncoder.T_MOUNT)) {
      proc.view.put(mount.one(PlanEncoder.T_MOUNT_TARGET).text(),
          onHost(shares(), mount.one(PlanEncoder.T_MOUNT_SOURCE).text()));
    }
    addedCodes.remove(session);
    sessions.put(session, proc);
    added.put(session, proc);
    send(Frame.STARTED, session, ByteBuffer.allocate(4).putInt(2000 + session).array());
    Thread t = new Thread(proc::run, "added-" + session);
    t.setDaemon(true);
    t.start();
  }

  private void stopAdded(int session) throws IOException {
    Integer code = addedCodes.get(session);
    App proc = added.get(session);
    if (code != null) {
      send(Frame.EXITED, session, ByteBuffer.allocate(4).putInt(code).array());
    } else if (proc != null) {
      proc.signal.add(15);
    }
  }

  private void removeAdded(int session) throws IOException {
    if (added.containsKey(session) && !addedCodes.containsKey(session)) {
      send(Frame.LOG, session, log(LogLevel.ERROR, "app is running: not removed"));
      return;
    }
    added.remove(session);
    addedCodes.remove(session);
    send(Frame.REMOVED, session, new byte[0]);
  }

  /** The dom0 path behind a guest path inside one of the shares. */
  private static Path onHost(java.util.Map<String, Path> shares, String guestPath) {
    for (var e : shares.entrySet()) {
      Path share = Path.of(e.getKey());
      Path p = Path.of(guestPath);
      if (p.startsWith(share)) {
        return e.getValue().resolve(share.relativize(p).toString());
      }
    }
    throw new IllegalStateException("fake guest: " + guestPath + " is in no share");
  }

  private void exec(int session, TlvDecoder.Field request) throws IOException {
    String name = request.one(PlanEncoder.T_EXEC_APP).text();
    App target = null;
    for (int i = 0; i < apps.size(); i++) {
      if (appNames.get(i).equals(name)) {
        target = apps.get(i);
      }
    }
    if (target == null) {
      send(Frame.STDERR, session, ("stage1-xen: enter: no app '" + name + "' in this pod\n")
          .getBytes(StandardCharsets.UTF_8));
      send(Frame.EXITED, session, ByteBuffer.allocate(4).putInt(125).array());
      return;
    }
    App proc = new App(session, request.texts(PlanEncoder.T_ARG), target.env, false);
    proc.view.putAll(target.view);
    sessions.put(session, proc);
    Thread t = new Thread(proc::run, "exec-" + session);
    t.setDaemon(true);
    t.start();
  }

  /** A LOG frame's payload: the level's byte, then the text. */
  private static byte[] log(LogLevel level, String text) {
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + t.length).put((byte) level.wire()).put(t).array();
  }

  private void send(int type, int session, byte[] payload) throws IOException {
    synchronized (writeLock) {
      writer.write(new Frame(type, session, payload));
    }
  }

  private final class App {
    final int session;
    final List<String> args;
    final List<String> env;
    final boolean isApp;
    final BlockingQueue<byte[]> stdin = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> signal = new LinkedBlockingQueue<>();
    /** Mount targets in the app (and "/", its root) to the dom0 paths behind them. */
    final java.util.Map<String, Path> view = new java.util.HashMap<>();

    App(int session, List<String> args, List<String> env, boolean isApp) {
      this.session = session;
      this.args = args;
      this.env = env;
      this.isApp = isApp;
    }

    void run() {
      int code;
      try {
        code = script();
      } catch (IOException | InterruptedException e) {
        code = 125;
      }
      if (added.containsKey(session)) {
        addedCodes.put(session, code); // before EXITED: a stop that comes after it finds the status
      }
      try {
        send(Frame.EXITED, session, ByteBuffer.allocate(4).putInt(code).array());
      } catch (IOException e) {
        return;
      }
      sessions.remove(session);
      if (!isApp) {
        return;
      }
      if (code != 0) {
        stop(PoweroffReason.APP_FAILED);
      }
      if (running.decrementAndGet() == 0) {
        done.countDown();
      }
    }

    private int script() throws IOException, InterruptedException {
      if (!args.get(0).equals("/fake")) {
        out(Frame.STDOUT, "fake guest ran: " + String.join(" ", args));
        return 0;
      }
      for (String op : args.subList(1, args.size())) {
        if (stopping.getCount() == 0) {
          return APP_KILLED;
        }
        String arg = op.contains(":") ? op.substring(op.indexOf(':') + 1) : "";
        switch (op.contains(":") ? op.substring(0, op.indexOf(':')) : op) {
          case "out" -> out(Frame.STDOUT, arg);
          case "err" -> out(Frame.STDERR, arg);
          case "log" -> {
            send(Frame.LOG, session, log(LogLevel.ERROR, arg)); // an error: shown without --debug
          }
          case "sleep" -> {
            if (stopping.await(Long.parseLong(arg), TimeUnit.MILLISECONDS)) {
              return APP_KILLED;
            }
          }
          case "exit" -> {
            return Integer.parseInt(arg);
          }
          case "await" -> {
            // until a file exists in dom0: the test decides when the app goes on (a barrier across pods)
            while (!Files.exists(Path.of(arg))) {
              if (stopping.await(50, TimeUnit.MILLISECONDS)) {
                return APP_KILLED;
              }
            }
          }
          case "hang" -> {
            if (isApp) {
              stopping.await();
              return APP_KILLED;
            }
            return 128 + signal.take();
          }
          case "bytes" -> {
            byte[] b = new byte[Integer.parseInt(arg)];
            for (int i = 0; i < b.length; i++) {
              b[i] = (byte) i;
            }
            for (int off = 0; off < b.length; off += Frame.MAX_DATA) {
              send(Frame.STDOUT, session, java.util.Arrays.copyOfRange(b, off, Math.min(b.length, off + Frame.MAX_DATA)));
            }
          }
          case "cat" -> {
            byte[] chunk;
            while ((chunk = stdin.take()).length > 0) {
              send(Frame.STDOUT, session, chunk);
            }
          }
          case "env" -> {
            for (String e : env) {
              out(Frame.STDOUT, e);
            }
          }
          case "crash" -> death.now("crash");
          case "deaf" -> deaf = true;
          case "write" -> {
            int eq = arg.indexOf('=');
            try {
              Files.writeString(resolve(arg.substring(0, eq)), arg.substring(eq + 1));
            } catch (IOException e) {
              out(Frame.STDERR, "write " + arg.substring(0, eq) + ": " + e.getClass().getSimpleName() + " "
                  + e.getMessage());
              return 1;
            }
          }
          case "read" -> out(Frame.STDOUT, Files.readString(resolve(arg)));
          case "try-write" -> {
            int eq = arg.indexOf('=');
            try {
              Files.writeString(resolve(arg.substring(0, eq)), arg.substring(eq + 1));
              out(Frame.STDOUT, "write " + arg.substring(0, eq) + ": done");
            } catch (IOException e) {
              out(Frame.STDOUT, "write " + arg.substring(0, eq) + ": refused: " + e.getMessage());
            }
          }
          case "nics" -> {
            for (TlvDecoder.Field n : plan.all(PlanEncoder.T_NET)) {
              StringBuilder sb = new StringBuilder(n.one(PlanEncoder.T_NET_NAME).text())
                  .append(' ').append(n.one(PlanEncoder.T_NET_MAC).text())
                  .append(' ').append(n.one(PlanEncoder.T_NET_ADDRESS).text())
                  .append(" mtu=").append(n.one(PlanEncoder.T_NET_MTU).u32())
                  .append(" prefixroute=").append(n.one(PlanEncoder.T_NET_PREFIX_ROUTE).bool());
              for (TlvDecoder.Field r : n.all(PlanEncoder.T_NET_ROUTE)) {
                sb.append(' ').append(r.one(PlanEncoder.T_ROUTE_DST).text());
                r.all(PlanEncoder.T_ROUTE_VIA).forEach(v -> sb.append(">").append(v.text()));
              }
              out(Frame.STDOUT, sb.toString());
            }
          }
          case "resolv" -> {
            for (TlvDecoder.Field r : plan.all(PlanEncoder.T_RESOLV)) {
              out(Frame.STDOUT, r.text().strip());
            }
          }
          default -> throw new IllegalArgumentException("fake guest: unknown op " + op);
        }
      }
      return 0;
    }

    /** The longest mount target the path is in decides, as in a real mount table. */
    private Path resolve(String appPath) {
      Path p = Path.of(appPath);
      Path best = Path.of("/");
      for (String target : view.keySet()) {
        Path t = Path.of(target);
        if (p.startsWith(t) && t.getNameCount() >= best.getNameCount()) {
          best = t;
        }
      }
      String rest = best.relativize(p).toString();
      return rest.isEmpty() ? view.get(best.toString()) : view.get(best.toString()).resolve(rest);
    }

    private void out(int type, String line) throws IOException {
      send(type, session, (line + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
