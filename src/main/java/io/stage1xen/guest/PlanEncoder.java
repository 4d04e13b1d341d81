package io.stage1xen.guest;

import io.stage1xen.outcome.Stage1Failure;
import java.util.List;

/**
 * The one encoding layer for everything pod-specific that goes to the guest (docs/PROTOCOL.md, "The pod plan").
 * Strings travel as raw UTF-8 bytes in length-prefixed fields: nothing is quoted, joined or parsed by a shell, so
 * quotes, {@code $}, spaces and newlines arrive exactly as given.
 */
public final class PlanEncoder {
  /** The plan's first field and HELLO's first word. */
  public static final int VERSION = 1;

  // The fields of PLAN and EXEC. These numbers are defined in stage1/guest/protocol.h, which the guest init compiles;
  // ProtocolTableTest holds these copies to it, name for name.

  public static final int T_VERSION = 0x01;
  public static final int T_HOSTNAME = 0x02;
  public static final int T_HOSTS = 0x03;
  public static final int T_RESOLV = 0x04;
  public static final int T_DEBUG = 0x05;
  public static final int T_GRACE_MS = 0x06;
  public static final int T_MUTABLE = 0x07;
  public static final int T_SHARE = 0x08;
  public static final int T_NET = 0x0C;
  public static final int T_APP = 0x10;
  public static final int T_NAME = 0x20;
  public static final int T_ROOT = 0x21;
  public static final int T_ARG = 0x22;
  public static final int T_ENV = 0x23;
  public static final int T_USER = 0x24;
  public static final int T_GROUP = 0x25;
  public static final int T_SUPP_GID = 0x26;
  public static final int T_WORKDIR = 0x27;
  public static final int T_READONLY_ROOTFS = 0x28;
  public static final int T_PRE_START = 0x29;
  public static final int T_POST_STOP = 0x2A;
  public static final int T_STDIN = 0x2B;
  public static final int T_TTY = 0x2C;
  public static final int T_MOUNT = 0x2D;
  public static final int T_OOM_SCORE_ADJ = 0x2E;
  public static final int T_MOUNT_SOURCE = 0x30;
  public static final int T_MOUNT_TARGET = 0x31;
  public static final int T_MOUNT_RO = 0x32;
  public static final int T_SHARE_TAG = 0x40;
  public static final int T_SHARE_PATH = 0x41;
  public static final int T_SHARE_RO = 0x42;
  public static final int T_NET_NAME = 0x70;
  public static final int T_NET_MAC = 0x71;
  public static final int T_NET_ADDRESS = 0x72;
  public static final int T_NET_MTU = 0x73;
  public static final int T_NET_PREFIX_ROUTE = 0x74;
  public static final int T_NET_ROUTE = 0x75;
  public static final int T_ROUTE_DST = 0x78;
  public static final int T_ROUTE_VIA = 0x79;
  public static final int T_EXEC_APP = 0x50;
  public static final int T_EXEC_ROWS = 0x51;
  public static final int T_EXEC_COLS = 0x52;

  private PlanEncoder() {}

  public static byte[] encode(PodPlan plan) {
    Fields f = new Fields().u32(T_VERSION, VERSION).string(T_HOSTNAME, plan.hostname());
    if (plan.hosts() != null) {
      f.string(T_HOSTS, plan.hosts());
    }
    if (plan.resolvConf() != null) {
      f.string(T_RESOLV, plan.resolvConf());
    }
    f.bool(T_DEBUG, plan.debug()).u32(T_GRACE_MS, plan.grace().toMillis()).bool(T_MUTABLE, plan.mutable());
    for (SharePlan s : plan.shares()) {
      f.nested(T_SHARE, new Fields().string(T_SHARE_TAG, s.tag()).string(T_SHARE_PATH, s.guestPath())
          .bool(T_SHARE_RO, s.readOnly()));
    }
    for (InterfacePlan n : plan.interfaces()) {
      Fields nf = new Fields().string(T_NET_NAME, n.name()).string(T_NET_MAC, n.mac())
          .string(T_NET_ADDRESS, n.address()).u32(T_NET_MTU, n.mtu()).bool(T_NET_PREFIX_ROUTE, n.prefixRoute());
      for (InterfacePlan.RoutePlan r : n.routes()) {
        Fields rf = new Fields().string(T_ROUTE_DST, r.destination());
        if (r.via() != null) {
          rf.string(T_ROUTE_VIA, r.via());
        }
        nf.nested(T_NET_ROUTE, rf);
      }
      f.nested(T_NET, nf);
    }
    for (AppPlan a : plan.apps()) {
      f.nested(T_APP, app(a));
    }
    byte[] bytes = f.toByteArray();
    if (bytes.length > Frame.MAX_PAYLOAD) {
      throw new Stage1Failure("the pod plan takes " + bytes.length + " bytes, more than the "
          + Frame.MAX_PAYLOAD + " a frame can carry" + biggestApp(plan));
    }
    return bytes;
  }

  /** The user must find what made the plan too big: nearly always one app's exec, environment or handlers. */
  private static String biggestApp(PodPlan plan) {
    AppPlan biggest = null;
    int size = 0;
    for (AppPlan a : plan.apps()) {
      int n = app(a).toByteArray().length;
      if (n > size) {
        biggest = a;
        size = n;
      }
    }
    return biggest == null ? "" : "; app '" + biggest.name() + "' alone takes " + size
        + " bytes (its exec, environment, event handlers and mounts)";
  }

  public static byte[] encode(ExecRequest x) {
    Fields f = new Fields().string(T_EXEC_APP, x.app());
    args(f, x.args());
    x.environment().forEach(e -> f.string(T_ENV, e));
    f.bool(T_TTY, x.tty()).u32(T_EXEC_ROWS, x.rows()).u32(T_EXEC_COLS, x.cols());
    return f.toByteArray();
  }

  /** APP_START's payload: the fields of the plan's APP, the same encoding (docs/MUTABLE.md). */
  public static byte[] encode(AppPlan a) {
    byte[] bytes = app(a).toByteArray();
    if (bytes.length > Frame.MAX_PAYLOAD) {
      throw new Stage1Failure("app '" + a.name() + "' takes " + bytes.length + " bytes (its exec, environment, event"
          + " handlers and mounts), more than the " + Frame.MAX_PAYLOAD + " a frame can carry");
    }
    return bytes;
  }

  private static Fields app(AppPlan a) {
    Fields f = new Fields().string(T_NAME, a.name()).string(T_ROOT, a.root());
    args(f, a.args());
    a.environment().forEach(e -> f.string(T_ENV, e));
    f.string(T_USER, a.user()).string(T_GROUP, a.group());
    a.supplementaryGids().forEach(g -> f.u32(T_SUPP_GID, g));
    f.string(T_WORKDIR, a.workingDirectory()).bool(T_READONLY_ROOTFS, a.readOnlyRootFs());
    for (List<String> h : a.preStart()) {
      f.nested(T_PRE_START, args(new Fields(), h));
    }
    for (List<String> h : a.postStop()) {
      f.nested(T_POST_STOP, args(new Fields(), h));
    }
    f.bool(T_STDIN, a.stdin()).bool(T_TTY, a.tty());
    for (MountPlan m : a.mounts()) {
      f.nested(T_MOUNT, new Fields().string(T_MOUNT_SOURCE, m.source()).string(T_MOUNT_TARGET, m.target())
          .bool(T_MOUNT_RO, m.readOnly()));
    }
    if (a.oomScoreAdj() != null) {
      f.u32(T_OOM_SCORE_ADJ, a.oomScoreAdj() & 0xFFFF_FFFFL);
    }
    return f;
  }

  private static Fields args(Fields f, List<String> args) {
    args.forEach(a -> f.string(T_ARG, a));
    return f;
  }
}
