package io.stage1xen.lifecycle;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.RuntimeApp;
import io.stage1xen.guest.AppPlan;
import io.stage1xen.guest.ControlChannel;
import io.stage1xen.guest.Frame;
import io.stage1xen.pod.Pod;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.pod.PodLoader;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.volume.VolumeMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's side of a mutable pod's added apps (docs/MUTABLE.md): rkt app start, stop and rm arrive here
 * through the exec socket ({@link ExecRelay}), go to the guest as APP_START, APP_STOP and APP_RM, and are answered
 * when the guest has done them. The supervisor, not the entrypoint, builds the app's plan, from the pod manifest rkt
 * rewrote for app/add. An added app's exit status goes to rkt's status file as an immutable app's does. Requests
 * come on client threads, the guest's answers on the control channel's reader thread: all state is under this
 * object's lock, and the writes to the guest are made in order outside it.
 */
final class AddedApps {
  private static final Logger LOG = LoggerFactory.getLogger(AddedApps.class);
  /** The exit code the answer carries when the request was refused or failed; its STDERR says why. */
  static final int REFUSED = 125;
  /**
   * The exit code of a refusal that changed nothing: the app runs (or is being removed) as before. rkt app start has
   * already marked the app started, which is then still true, so the entrypoint must leave rkt's marker alone.
   */
  static final int UNCHANGED = 126;
  /** A start is answered once the guest has prepared the app's root view and started it. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /** Beyond the grace period: time for the guest to kill the app and say so. */
  static final Duration STOP_MARGIN = Duration.ofSeconds(10);
  /** What the guest takes as an environment entry (stage1/guest/plan.c). */
  private static final Pattern ENV_ENTRY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*=.*", Pattern.DOTALL);

  /** The answer to one request: the exit code for the entrypoint and, when it failed, one line saying why. */
  record Reply(int code, String message) {
    static final Reply DONE = new Reply(0, "");

    static Reply refused(String message) {
      return new Reply(REFUSED, message);
    }

    static Reply unchanged(String message) {
      return new Reply(UNCHANGED, message);
    }
  }

  /** REMOVING: its slot in the guest is being freed; its session is not given out again before REMOVED. */
  private enum State { STARTING, RUNNING, ENDED, REMOVING }

  /** One added app the guest has a slot for. */
  private static final class Entry {
    final AcName app;
    final int session;
    State state = State.STARTING;
    String lastError = "";
    CompletableFuture<Reply> pending;

    Entry(AcName app, int session) {
      this.app = app;
      this.session = session;
    }
  }

  private final ControlChannel channel;
  private final PodLayout layout;
  private final PodFiles files;
  private final Duration grace;
  private final Map<AcName, Entry> byName = new HashMap<>();
  private final Map<Integer, Entry> bySession = new HashMap<>();
  /**
   * Writes to the guest, in the order they were decided under this object's lock but made outside it: a write can
   * wait for a guest that is itself waiting for the channel's reader thread, whose answers need this lock.
   */
  private final ExecutorService writes = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "added-apps-writer");
    t.setDaemon(true);
    return t;
  });

  /** One write to the guest. */
  private interface ChannelWrite {
    void write() throws IOException;
  }

  AddedApps(ControlChannel channel, PodLayout layout, PodFiles files, Duration grace) {
    this.channel = channel;
    this.layout = layout;
    this.files = files;
    this.grace = grace;
  }

  /** One request from the exec socket: the frame type (APP_START, APP_STOP, APP_RM) and the app's name. */
  Reply request(int type, String name) throws InterruptedException {
    AcName app;
    try {
      app = AcName.of(name);
    } catch (RuntimeException e) {
      return Reply.refused("invalid app name: " + e.getMessage());
    }
    CompletableFuture<Reply> answer;
    Duration timeout;
    try {
      switch (type) {
        case Frame.APP_START -> {
          answer = start(app);
          timeout = START_TIMEOUT;
        }
        case Frame.APP_STOP -> {
          answer = stop(app);
          timeout = grace.plus(STOP_MARGIN);
        }
        case Frame.APP_RM -> {
          answer = remove(app);
          timeout = STOP_MARGIN;
        }
        default -> {
          return Reply.refused("unknown request " + type);
        }
      }
    } catch (IOException e) {
      return Reply.refused("the pod VM cannot be reached: " + e.getMessage());
    } catch (RuntimeException e) {
      // a pod manifest rkt rewrote that does not load: say what is wrong with it
      return Reply.refused(e.getMessage());
    }
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return Reply.refused("the pod VM did not answer within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      return Reply.refused(String.valueOf(e.getCause().getMessage()));
    }
  }

  private synchronized CompletableFuture<Reply> start(AcName app) throws IOException {
    Entry old = byName.get(app);
    if (old != null && old.state == State.REMOVING) {
      return CompletableFuture.completedFuture(Reply.unchanged("app \"" + app.value() + "\" is being removed"));
    }
    if (old != null && old.state != State.ENDED) {
      return CompletableFuture.completedFuture(Reply.unchanged("app \"" + app.value() + "\" is running already"));
    }
    Pod pod = PodLoader.load(layout);
    Optional<RuntimeApp> ra = pod.manifest().app(app);
    if (ra.isEmpty()) {
      return CompletableFuture.completedFuture(Reply.refused(layout.podManifest() + ": apps: no app named \""
          + app.value() + "\" (the pod has " + pod.manifest().appNames() + ")"));
    }
    AppPlan plan = PodVm.addedApp(pod, ra.get(), rktEnvironment(app),
        VolumeMapper.addedApp(pod, app, VolumeMapper.FILES).mounts(0));
    List<String> isolators = pod.app(ra.get()).isolators().list().stream().map(i -> i.name().toString()).toList();
    if (!isolators.isEmpty()) {
      LOG.debug("app {}: isolators {}: os/linux/oom-score-adj is applied in the guest; resource/memory and resource/cpu"
          + " do not resize the domain, which was sized when the sandbox booted (its stage1-xen/memory-mib); the"
          + " others are not enforced inside the VM, as for a pod's app", app.value(), isolators);
    }
    if (old != null) {
      // started again after it ended: its old slot goes first (the guest takes frames in order); the old session
      // stays taken until the guest's REMOVED, which must not be read as the new one's
      byName.remove(app, old);
      old.state = State.REMOVING;
      send(old, () -> channel.removeApp(old.session));
    }
    Entry e = new Entry(app, freeSession());
    e.pending = new CompletableFuture<>();
    byName.put(app, e);
    bySession.put(e.session, e);
    LOG.debug("starting added app {} (session {})", app.value(), e.session);
    send(e, () -> channel.startApp(e.session, plan));
    return e.pending;
  }

  private synchronized CompletableFuture<Reply> stop(AcName app) {
    Entry e = byName.get(app);
    if (e == null || e.state == State.ENDED || e.state == State.REMOVING) {
      // nothing to stop: success, as systemctl stop of an inactive unit is (docs/MUTABLE.md, "Exit 5")
      LOG.debug("app {} is not running: nothing to stop", app.value());
      return CompletableFuture.completedFuture(Reply.DONE);
    }
    if (e.pending == null) {
      e.pending = new CompletableFuture<>();
    }
    send(e, () -> channel.stopApp(e.session, grace));
    return e.pending;
  }

  private synchronized CompletableFuture<Reply> remove(AcName app) {
    Entry e = byName.get(app);
    if (e == null) {
      return CompletableFuture.completedFuture(Reply.DONE); // never started: the guest has nothing of it
    }
    if (e.state == State.REMOVING) {
      return CompletableFuture.completedFuture(Reply.refused("app \"" + app.value() + "\" is being removed"));
    }
    if (e.state != State.ENDED) {
      return CompletableFuture.completedFuture(Reply.refused("app \"" + app.value() + "\" is running; stop it first"));
    }
    e.pending = new CompletableFuture<>();
    e.state = State.REMOVING;
    send(e, () -> channel.removeApp(e.session));
    return e.pending;
  }

  /** {@code rkt/env/<app>}, which rkt app add writes: {@code NAME=value} lines; empty when there is none. */
  private Optional<List<String>> rktEnvironment(AcName app) throws IOException {
    Path file = layout.appEnvironment(app);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    List<String> env = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty()) {
        continue;
      }
      if (!ENV_ENTRY.matcher(line).matches()) {
        throw new Stage1Failure(file + ": line " + (i + 1) + ": \"" + line.replaceAll("\\p{Cntrl}", "?")
            + "\" is not NAME=value");
      }
      env.add(line);
    }
    return Optional.of(env);
  }

  private int freeSession() {
    for (int s = ControlChannel.FIRST_ADDED_SESSION; s < ControlChannel.FIRST_EXEC_SESSION; s++) {
      if (!bySession.containsKey(s)) {
        return s;
      }
    }
    throw new IllegalStateException("every added-app session is in use");
  }

  /** Queues a write to the guest; if it fails, the request waiting on {@code e} is answered with why. */
  private void send(Entry e, ChannelWrite w) {
    writes.execute(() -> {
      try {
        w.write();
      } catch (IOException x) {
        failed(e, x);
      }
    });
  }

  private synchronized void failed(Entry e, IOException x) {
    answer(e, Reply.refused("the pod VM cannot be reached: " + x.getMessage()));
  }

  private void forget(Entry e) {
    byName.remove(e.app, e);
    bySession.remove(e.session, e);
  }

  private void answer(Entry e, Reply reply) {
    CompletableFuture<Reply> p = e.pending;
    e.pending = null;
    if (p != null) {
      p.complete(reply);
    }
  }

  /** Whether the session is an added app's: its output goes where the pod's apps' output goes. */
  synchronized boolean knows(int session) {
    return bySession.containsKey(session);
  }

  /** STARTED from the guest; false when the session is not an added app's. */
  synchronized boolean started(int session) {
    Entry e = bySession.get(session);
    if (e == null) {
      return false;
    }
    e.state = State.RUNNING;
    LOG.debug("added app {} started", e.app.value());
    answer(e, Reply.DONE);
    return true;
  }

  /** EXITED from the guest: the status goes to rkt; it answers a start that failed or a stop. */
  synchronized boolean exited(int session, int code) {
    Entry e = bySession.get(session);
    if (e == null) {
      return false;
    }
    State was = e.state;
    e.state = State.ENDED;
    LOG.debug("added app {} exited with {}", e.app.value(), code);
    try {
      files.writeStatus(e.app, code);
    } catch (IOException ex) {
      LOG.error("cannot record the exit status {} of app {}: {}", code, e.app.value(), ex.getMessage());
    }
    if (was == State.STARTING) {
      answer(e, Reply.refused("app \"" + e.app.value() + "\" could not start in the pod VM (exit status " + code
          + (e.lastError.isEmpty() ? "" : ": " + e.lastError) + ")"));
    } else {
      answer(e, Reply.DONE);
    }
    return true;
  }

  /** REMOVED from the guest: the app's slot is free. */
  synchronized boolean removed(int session) {
    Entry e = bySession.get(session);
    if (e == null) {
      return false;
    }
    forget(e);
    answer(e, Reply.DONE);
    return true;
  }

  /** The guest's error about an added app: the reason a start or rm gives. */
  synchronized void error(int session, String text) {
    Entry e = bySession.get(session);
    if (e == null) {
      return;
    }
    e.lastError = text;
    if (e.state == State.REMOVING) {
      e.state = State.ENDED; // APP_RM refused by the guest: the slot stays
      answer(e, Reply.refused(text));
    }
  }

  /** The guest hung up: nothing will answer any more. */
  synchronized void close() {
    writes.shutdownNow();
    for (Entry e : bySession.values()) {
      answer(e, Reply.refused("the pod VM stopped"));
    }
  }
}
