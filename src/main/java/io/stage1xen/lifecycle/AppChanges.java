package io.stage1xen.lifecycle;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.RuntimeApp;
import io.stage1xen.guest.Frame;
import io.stage1xen.guest.FrameReader;
import io.stage1xen.guest.FrameWriter;
import io.stage1xen.guest.UnixSocketLink;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.AppEntrypointParameters;
import io.stage1xen.pod.Pod;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.pod.PodLoader;
import io.stage1xen.volume.PodVolumes;
import io.stage1xen.volume.VolumeMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app/* entrypoints of a mutable pod (docs/MUTABLE.md). rkt runs each as a short-lived child in the pod
 * directory after it changed the pod (app/add: the app rendered under {@code opt/stage2/<app>} and appended to the
 * pod manifest). Each checks that the pod is a running stage1-xen sandbox and that the app is one of its apps, then
 * changes what dom0 shows the VM. Nothing is left running: rkt reads this process's output to its end.
 */
final class AppChanges {
  private static final Logger LOG = LoggerFactory.getLogger(AppChanges.class);

  private final Stage1Environment env;

  AppChanges(Stage1Environment env) {
    this.env = env;
  }

  Outcome change(AppEntrypointParameters params) throws Exception {
    PodLayout layout = PodLayout.of(env.workingDirectory());
    Pod pod = PodLoader.load(layout);
    String action = "rkt app " + params.action().name().toLowerCase(Locale.ROOT);
    if (!pod.manifest().isMutable()) {
      throw new Stage1Failure(layout.podManifest() + ": annotations: the pod is not mutable (coreos.com/rkt/stage1/"
          + "mutable is not \"true\"); " + action + " needs a pod made by rkt app sandbox");
    }
    requireRunning(layout);
    AcName app = params.app();
    RuntimeApp runtimeApp = pod.manifest().app(app).orElseThrow(() -> new Stage1Failure(layout.podManifest()
        + ": apps: no app named \"" + app.value() + "\" (the pod has " + pod.manifest().appNames() + ")"));
    PodVolumes volumes = PodVolumes.of(env.processes(), env.mountinfo(), layout);
    LOG.debug("{} --app={} in pod {}", action, app.value(), layout.root());
    switch (params.action()) {
      case ADD -> {
        Path at = volumes.addApp(app, runtimeApp.readOnlyRootFS(), VolumeMapper.addedApp(pod, app, VolumeMapper.FILES));
        LOG.debug("app {} is in the pod VM's share of added apps at {}", app.value(), at);
      }
      case START -> {
        int code = ask(layout, Frame.APP_START, app);
        if (code != 0) {
          // rkt marked the app started before it called this: true still for an app that runs, but one that did
          // not start must be listed as created again
          if (code != AddedApps.UNCHANGED) {
            Files.deleteIfExists(layout.appStartedMarker(app));
          }
          throw new Stage1Failure(lastRefusal);
        }
      }
      // The supervisor stops it in the VM; an app that does not run is success (nothing to stop), as systemctl stop
      // of an inactive unit is for rkt's own stage1: rkt 1.30.0 fails app stop and app rm on exit 5 (measured).
      case STOP -> require(ask(layout, Frame.APP_STOP, app));
      case RM -> {
        require(ask(layout, Frame.APP_RM, app)); // refused while it runs; frees its slot in the VM
        // which host paths are files no longer matters: everything under the app's slots is unmounted and removed
        volumes.removeApp(app, VolumeMapper.addedApp(pod, app, p -> VolumeMapper.PathKind.DIRECTORY));
      }
    }
    return Outcome.SUCCEEDED;
  }

  /** The supervisor's one line about the last request it refused. */
  private String lastRefusal = "";

  private void require(int code) {
    if (code != 0) {
      throw new Stage1Failure(lastRefusal);
    }
  }

  /**
   * One request to the supervisor over its exec socket ({@link ExecRelay}, {@link AddedApps}): the supervisor has
   * the pod's channel to the guest and answers once the guest has done it. Returns its exit code: 0 done, else
   * refused, with its one line in {@link #lastRefusal}.
   */
  private int ask(PodLayout layout, int type, AcName app) throws IOException {
    try (UnixSocketLink link = env.sockets().connect(layout.execSocket())) {
      new FrameWriter(link.out()).write(new Frame(type, 0, app.value().getBytes(StandardCharsets.UTF_8)));
      FrameReader reader = new FrameReader(link.in());
      String why = "";
      for (Frame f; (f = reader.read()) != null; ) {
        if (f.type() == Frame.STDERR) {
          why = f.text(0).strip();
        } else if (f.type() == Frame.EXITED) {
          int code = f.exitCode();
          lastRefusal = why.isEmpty() ? "the pod's supervisor refused with " + code : why;
          return code;
        }
      }
    }
    throw new Stage1Failure("the pod's supervisor hung up before it answered (the pod is stopping?)");
  }

  /** A sandbox whose run lives and whose guest is up: the supervisor marks it ready only then. */
  private void requireRunning(PodLayout layout) throws IOException {
    String pod = layout.root().getFileName().toString();
    if (SupervisorRecord.live(env, layout).isEmpty()) {
      throw new Stage1Failure("pod " + pod + " is not running: its run has exited (or never started)");
    }
    if (!Files.isSymbolicLink(layout.supervisorStatus())) {
      throw new Stage1Failure("pod " + pod + " is not ready yet: its VM is still booting ("
          + layout.supervisorStatus() + " does not exist)");
    }
  }
}
