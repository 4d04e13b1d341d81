package io.stage1xen.guest;

import io.stage1xen.outcome.Stage1Failure;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One app as the guest runs it. The host has already decided everything: {@code environment} is the final list
 * (precedence applied), {@code args} the exact argv. The guest only resolves {@code user} and {@code group}
 * against the app's own /etc/passwd and /etc/group (or numerically, or as the owner of a /path).
 *
 * @param name the app's name (an ACName)
 * @param root guest path of the app's root filesystem (inside a share)
 * @param args exact argv; args[0] without '/' is looked up in the environment's PATH inside the app
 * @param environment {@code NAME=value} entries, in order (the guest adds PATH, AC_APP_NAME, HOME, USER,
 *     LOGNAME and SHELL only when they are missing)
 * @param supplementaryGids unsigned 32-bit group ids
 * @param stdin the app reads the host's stdin (STDIN frames); with {@code tty} the pty carries stdin anyway
 * @param oomScoreAdj null to leave the default
 */
public record AppPlan(
    String name,
    String root,
    List<String> args,
    List<String> environment,
    String user,
    String group,
    List<Long> supplementaryGids,
    String workingDirectory,
    boolean readOnlyRootFs,
    List<List<String>> preStart,
    List<List<String>> postStop,
    boolean stdin,
    boolean tty,
    List<MountPlan> mounts,
    Integer oomScoreAdj) {

  public AppPlan {
    PlanChecks.matching("app name", name, PlanChecks.APP_NAME);
    String app = "app '" + name + "'";
    PlanChecks.absolutePath(app + " root", root);
    args = PlanChecks.args(app + " exec", args);
    environment = List.copyOf(Objects.requireNonNull(environment, app + " environment"));
    for (String e : environment) {
      PlanChecks.envEntry(app + " environment entry", e);
    }
    PlanChecks.nonEmpty(app + " user", user);
    PlanChecks.nonEmpty(app + " group", group);
    supplementaryGids = List.copyOf(Objects.requireNonNull(supplementaryGids, app + " supplementary GIDs"));
    for (Long gid : supplementaryGids) {
      if (gid < 0 || gid > 0xFFFF_FFFEL) {
        throw new Stage1Failure(app + " supplementary GID " + gid + " is not a valid group id");
      }
    }
    PlanChecks.absolutePath(app + " working directory", workingDirectory);
    preStart = handlers(app + " pre-start handler", preStart);
    postStop = handlers(app + " post-stop handler", postStop);
    mounts = List.copyOf(Objects.requireNonNull(mounts, app + " mounts"));
    if (oomScoreAdj != null && (oomScoreAdj < -1000 || oomScoreAdj > 1000)) {
      throw new Stage1Failure(app + " oom score adjustment " + oomScoreAdj + " is outside -1000..1000");
    }
  }

  private static List<List<String>> handlers(String what, List<List<String>> list) {
    List<List<String>> out = new ArrayList<>();
    for (List<String> h : Objects.requireNonNull(list, what + "s")) {
      out.add(PlanChecks.args(what, h));
    }
    return List.copyOf(out);
  }

  public static Builder builder(String name, String root, List<String> args) {
    return new Builder(name, root, args);
  }

  /** Collects the optional parts; every check happens in the record's constructor. */
  public static final class Builder {
    private final String name;
    private final String root;
    private final List<String> args;
    private List<String> environment = List.of();
    private String user = "0";
    private String group = "0";
    private List<Long> supplementaryGids = List.of();
    private String workingDirectory = "/";
    private boolean readOnlyRootFs;
    private final List<List<String>> preStart = new ArrayList<>();
    private final List<List<String>> postStop = new ArrayList<>();
    private boolean stdin;
    private boolean tty;
    private final List<MountPlan> mounts = new ArrayList<>();
    private Integer oomScoreAdj;

    private Builder(String name, String root, List<String> args) {
      this.name = name;
      this.root = root;
      this.args = args;
    }

    public Builder environment(List<String> entries) {
      this.environment = entries;
      return this;
    }

    public Builder user(String u) {
      this.user = u;
      return this;
    }

    public Builder group(String g) {
      this.group = g;
      return this;
    }

    public Builder supplementaryGids(List<Long> gids) {
      this.supplementaryGids = gids;
      return this;
    }

    public Builder workingDirectory(String dir) {
      this.workingDirectory = dir == null || dir.isEmpty() ? "/" : dir;
      return this;
    }

    public Builder readOnlyRootFs(boolean ro) {
      this.readOnlyRootFs = ro;
      return this;
    }

    public Builder preStart(List<String> handlerArgs) {
      preStart.add(handlerArgs);
      return this;
    }

    public Builder postStop(List<String> handlerArgs) {
      postStop.add(handlerArgs);
      return this;
    }

    public Builder stdin(boolean s) {
      this.stdin = s;
      return this;
    }

    public Builder tty(boolean t) {
      this.tty = t;
      return this;
    }

    public Builder mount(MountPlan m) {
      mounts.add(m);
      return this;
    }

    public Builder oomScoreAdj(Integer adj) {
      this.oomScoreAdj = adj;
      return this;
    }

    public AppPlan build() {
      return new AppPlan(name, root, args, environment, user, group, supplementaryGids, workingDirectory,
          readOnlyRootFs, preStart, postStop, stdin, tty, mounts, oomScoreAdj);
    }
  }
}
