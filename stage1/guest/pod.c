/* The pod: setting it up from the plan, each app's state machine (prepared, pre-start handlers, ready, running,
 * post-stop handlers, done), the pod rule (an app that fails stops the others; the pod ends when every app has),
 * stopping with a grace period, and reaping. See docs/GUEST.md, "Running the pod" and "Stopping". */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "s1x.h"

static struct {
  enum phase phase;
  struct plan plan;
  struct app *apps;
  size_t napps;
  int stop_reason;        /* the first reason to stop (OFF_*), -1 before any */
  long kill_at, final_at; /* STOPPING: SIGKILL the apps, then give up on post-stop handlers */
  int killed;             /* SIGKILL was sent */
  /* a mutable pod's added apps (APP_START), each allocated on its own: the table grows and shrinks at run time */
  struct app **added;
  size_t nadded;
} g_pod = {.phase = WAIT_PLAN, .stop_reason = -1};

size_t pod_app_count(void) { return g_pod.napps + g_pod.nadded; }

struct app *pod_app_at(size_t i) { return i < g_pod.napps ? &g_pod.apps[i] : g_pod.added[i - g_pod.napps]; }

static struct app *added_app(uint32_t session) {
  for (size_t i = 0; i < g_pod.nadded; i++)
    if (g_pod.added[i]->session == session && !g_pod.added[i]->removed) return g_pod.added[i];
  return NULL;
}

enum phase pod_phase(void) { return g_pod.phase; }
uint32_t pod_grace_ms(void) { return g_pod.plan.grace_ms; }

struct child *pod_child(uint32_t session) {
  if (session >= 1 && session <= g_pod.napps) return &g_pod.apps[session - 1].main;
  struct app *a = added_app(session);
  return a ? &a->main : session_find(session);
}

int pod_poll_timeout(void) {
  long at = -1;
  if (g_pod.phase == STOPPING) at = g_pod.killed ? g_pod.final_at : g_pod.kill_at;
  for (size_t i = 0; i < g_pod.nadded; i++)
    if (g_pod.added[i]->kill_at && (at < 0 || g_pod.added[i]->kill_at < at)) at = g_pod.added[i]->kill_at;
  if (at < 0) return -1;
  long t = at - now_ms();
  return t < 0 ? 0 : (int)t + 1;
}

static void report_exit(struct app *a, int code) {
  if (a->reported) return;
  a->code = code;
  a->reported = 1;
  send_u32(F_EXITED, a->session, (uint32_t)code);
  DBG("app %s exited with %d", a->spec->name, code);
}

/* To every app's main process, every pre-start handler and every enter session, each a process group. */
static void signal_all(int sig) {
  for (size_t i = 0; i < pod_app_count(); i++) {
    struct app *a = pod_app_at(i);
    if (a->main.pid) kill(-a->main.pid, sig);
    if (a->handler.pid && a->state == A_PRESTART) kill(-a->handler.pid, sig);
  }
  for (size_t i = 0; i < session_count(); i++)
    if (session_at(i)->pid) kill(-session_at(i)->pid, sig);
}

static void begin_stop(int reason, uint32_t grace_ms) {
  if (g_pod.stop_reason < 0) g_pod.stop_reason = reason;
  if (g_pod.phase == STOPPING) return;
  g_pod.phase = STOPPING;
  DBG("stopping the pod (reason %d, grace %u ms)", reason, grace_ms);
  g_pod.kill_at = now_ms() + grace_ms;
  g_pod.final_at = g_pod.kill_at + grace_ms;
  signal_all(SIGTERM);
  for (size_t i = 0; i < pod_app_count(); i++) {
    struct app *a = pod_app_at(i);
    if (!a->started && a->state != A_DONE && a->state != A_POSTSTOP) {
      /* stopped before it could start: reported as if the stop had terminated it */
      if (!a->reported) report_exit(a, 128 + SIGTERM);
      if (a->state != A_PRESTART) a->state = A_DONE;
    }
  }
}

void pod_request_shutdown(uint32_t grace_ms, const char *why) {
  /* Sent at once and always (info is not filtered): the host takes this frame as the answer that shows the guest
     still reads its channel, and destroys a guest that does not answer within 2 to 5 s. */
  logmsg(LOG_INFO, 0, "shutdown requested (%s)", why);
  if (g_pod.phase == WAIT_PLAN) power_off(OFF_REQUESTED);
  begin_stop(OFF_REQUESTED, grace_ms);
}

static void next_handler(struct app *a) {
  const struct strv *list = a->state == A_PRESTART ? a->spec->prestart : a->spec->poststop;
  size_t n = a->state == A_PRESTART ? a->spec->nprestart : a->spec->npoststop;
  while (a->hook < n) {
    if (app_start_handler(a, &list[a->hook++]) == 0) return;
    logmsg(LOG_ERROR, a->session, "event handler of %s: %s", a->spec->name, strerror(errno));
    if (a->state == A_PRESTART) {
      report_exit(a, 125);
      a->state = A_DONE;
      return;
    }
  }
  a->state = a->state == A_PRESTART ? A_READY : A_DONE;
}

/* guest paths only (the initramfs is ours); app roots go through safepath.c */
static int mkdir_p(const char *path) {
  char p[256];
  snprintf(p, sizeof p, "%s", path);
  for (char *q = p + 1; *q; q++)
    if (*q == '/') {
      *q = 0;
      if (mkdir(p, 0755) < 0 && errno != EEXIST) return -1;
      *q = '/';
    }
  return mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

void pod_start(const struct plan *pl, const char *transport) {
  char err[512];
  g_pod.plan = *pl;
  struct plan *plan = &g_pod.plan;
  if (plan->hostname && sethostname(plan->hostname, strlen(plan->hostname)) < 0)
    logmsg(LOG_WARNING, 0, "hostname: %s", strerror(errno));
  for (size_t i = 0; i < plan->nshares; i++) {
    struct sharespec *s = &plan->shares[i];
    char opts[128];
    snprintf(opts, sizeof opts, "trans=%s,version=9p2000.L,msize=%d", transport,
             strcmp(transport, "virtio") ? 131072 : 512000);
    if (mkdir_p(s->path) < 0 || mount(s->tag, s->path, "9p", MS_NOSUID | MS_NODEV | (s->ro ? MS_RDONLY : 0), opts) < 0)
      fatal("9p share", s->tag);
    DBG("share %s mounted on %s", s->tag, s->path);
  }
  if (net_configure(plan, err, sizeof err) < 0) fatal("network", err);
  g_pod.napps = plan->napps;
  g_pod.apps = calloc(g_pod.napps ? g_pod.napps : 1, sizeof *g_pod.apps);
  int failed = 0;
  for (size_t i = 0; i < g_pod.napps; i++) {
    struct app *a = &g_pod.apps[i];
    a->spec = &plan->apps[i];
    if (app_prepare(a, plan, 1 + (uint32_t)i, err, sizeof err) < 0) {
      a->session = 1 + (uint32_t)i;
      logmsg(LOG_ERROR, a->session, "app %s: %s", a->spec->name, err);
      report_exit(a, 125);
      a->state = A_DONE;
      failed = 1;
    }
  }
  g_pod.phase = STARTING;
  if (failed) {
    begin_stop(OFF_APP_FAILED, plan->grace_ms);
    return;
  }
  for (size_t i = 0; i < g_pod.napps; i++) {
    g_pod.apps[i].state = A_PRESTART;
    g_pod.apps[i].hook = 0;
    next_handler(&g_pod.apps[i]);
  }
}

/* A child ended: an app's main process, an event handler or an enter session; anything else is an orphan PID 1
 * inherited, and reaping it is all there is to do. While the pod is torn down (finishing) an app's end is only
 * reported: no post-stop handler starts any more, and a killed handler is not reported at all. */
static void reaped(pid_t pid, int status, int finishing) {
  int code = exit_code_of(status);
  for (size_t i = 0; i < pod_app_count(); i++) {
    struct app *a = pod_app_at(i);
    if (a->main.pid == pid) {
      a->main.pid = 0;
      a->kill_at = 0;
      child_drain(&a->main);
      child_close_io(&a->main);
      report_exit(a, code);
      if (finishing) return;
      a->state = A_POSTSTOP;
      a->hook = 0;
      next_handler(a);
      return;
    }
    if (a->handler.pid == pid) {
      if (finishing) return;
      a->handler.pid = 0;
      child_drain(&a->handler);
      child_close_io(&a->handler);
      if (a->state == A_PRESTART && code != 0) {
        logmsg(LOG_ERROR, a->session, "pre-start handler of %s exited with %d", a->spec->name, code);
        report_exit(a, code);
        a->state = A_DONE;
      } else {
        if (code != 0) logmsg(LOG_WARNING, a->session, "post-stop handler of %s exited with %d", a->spec->name, code);
        if (g_pod.phase == STOPPING && a->state == A_PRESTART) a->state = A_DONE;
        else next_handler(a);
      }
      return;
    }
  }
  for (size_t i = 0; i < session_count(); i++) {
    struct child *c = session_at(i);
    if (c->pid == pid) {
      c->pid = 0;
      c->code = code;
      c->reaped = 1;
      session_reaped(c); /* freed by session_gc() at the top of the loop, never under a pending poll slot */
      return;
    }
  }
}

void pod_reap(void) {
  int st;
  pid_t pid;
  while ((pid = waitpid(-1, &st, WNOHANG)) > 0) reaped(pid, st, 0);
}

/* Everything left (post-stop handlers past their time, enter sessions, orphans) goes now; every app and session
 * gets its status (137 when the end did not come in time), and the guest powers off. */
static void __attribute__((noreturn)) finish(void) {
  kill(-1, SIGKILL);
  long end = now_ms() + 2000;
  for (;;) {
    int st;
    pid_t pid = waitpid(-1, &st, WNOHANG);
    if (pid < 0 && errno == ECHILD) break;
    if (pid > 0) {
      reaped(pid, st, 1);
      continue;
    }
    if (now_ms() > end) break;
    usleep(5000);
  }
  for (size_t i = 0; i < pod_app_count(); i++) report_exit(pod_app_at(i), 128 + SIGKILL);
  for (size_t i = 0; i < session_count(); i++)
    if (!session_at(i)->reaped) {
      session_at(i)->code = 128 + SIGKILL;
      session_at(i)->reaped = 1;
      session_reaped(session_at(i));
    }
  power_off(g_pod.stop_reason < 0 ? OFF_ALL_DONE : g_pod.stop_reason);
}

static int all_apps_in(enum app_state s) {
  for (size_t i = 0; i < pod_app_count(); i++)
    if (pod_app_at(i)->state != s) return 0;
  return 1;
}

/* Every pre-start handler is done: all apps start together. */
static void start_apps(void) {
  for (size_t i = 0; i < g_pod.napps; i++) {
    struct app *a = &g_pod.apps[i];
    if (app_start_main(a) < 0) {
      logmsg(LOG_ERROR, a->session, "starting %s: %s", a->spec->name, strerror(errno));
      report_exit(a, 125);
      a->state = A_DONE;
      continue;
    }
    a->state = A_RUNNING;
    send_u32(F_STARTED, a->session, (uint32_t)a->main.pid);
    DBG("app %s started, pid %d", a->spec->name, a->main.pid);
  }
  send_frame(F_READY, 0, NULL, 0);
  g_pod.phase = RUNNING;
}

/* ---- a mutable pod's added apps (docs/MUTABLE.md) ---- */

static void refuse_app(uint32_t session, const char *fmt, const char *what) {
  logmsg(LOG_ERROR, session, fmt, what);
  send_u32(F_EXITED, session, 125);
}

void pod_app_start(uint32_t session, const uint8_t *p, uint32_t len) {
  char err[512];
  if (session < CHANNEL_FIRST_ADDED_SESSION || session >= CHANNEL_FIRST_EXEC_SESSION || added_app(session)) {
    logmsg(LOG_WARNING, 0, "APP_START with session id %u ignored: not a free added-app session", session);
    return;
  }
  if (!g_pod.plan.mutable_pod || g_pod.phase != RUNNING) {
    refuse_app(session, "app not started: %s", g_pod.plan.mutable_pod ? "the pod is stopping" : "the pod is not mutable");
    return;
  }
  struct appspec *spec = calloc(1, sizeof *spec);
  if (!spec) abort();
  if (appspec_decode(p, len, spec, err, sizeof err) < 0) {
    refuse_app(session, "invalid APP_START: %s", err);
    appspec_free(spec);
    free(spec);
    return;
  }
  for (size_t i = 0; i < pod_app_count(); i++)
    if (!pod_app_at(i)->removed && !strcmp(pod_app_at(i)->spec->name, spec->name)) {
      refuse_app(session, "app %s is in the pod already", spec->name);
      appspec_free(spec);
      free(spec);
      return;
    }
  struct app *a = calloc(1, sizeof *a);
  if (!a) abort();
  a->spec = spec;
  g_pod.added = realloc(g_pod.added, (g_pod.nadded + 1) * sizeof *g_pod.added);
  if (!g_pod.added) abort();
  g_pod.added[g_pod.nadded++] = a;
  if (app_prepare(a, &g_pod.plan, session, err, sizeof err) < 0) {
    logmsg(LOG_ERROR, session, "app %s: %s", spec->name, err);
    report_exit(a, 125);
    a->state = A_DONE; /* the host removes it (APP_RM) like any app that ended */
    return;
  }
  DBG("app %s added (session %u)", spec->name, session);
  a->state = A_PRESTART;
  a->hook = 0;
  next_handler(a);
}

void pod_app_stop(uint32_t session, uint32_t grace_ms) {
  struct app *a = added_app(session);
  if (!a) {
    logmsg(LOG_WARNING, 0, "APP_STOP for session %u ignored: no such added app", session);
    return;
  }
  if (a->reported) {
    send_u32(F_EXITED, session, (uint32_t)a->code); /* it had ended: its status again answers the stop */
    return;
  }
  a->stop_asked = 1;
  pid_t pid = a->main.pid ? a->main.pid : a->state == A_PRESTART ? a->handler.pid : 0;
  if (pid) {
    kill(-pid, SIGTERM);
    a->kill_at = now_ms() + grace_ms;
    if (!a->kill_at) a->kill_at = 1;
  }
  DBG("app %s asked to stop (grace %u ms)", a->spec->name, grace_ms);
}

void pod_app_rm(uint32_t session) {
  struct app *a = added_app(session);
  if (!a) {
    logmsg(LOG_WARNING, 0, "APP_RM for session %u ignored: no such added app", session);
    return;
  }
  if (a->state != A_DONE) {
    logmsg(LOG_ERROR, session, "app %s is running: not removed", a->spec->name);
    return;
  }
  app_release(a);
  a->removed = 1;
  send_frame(F_REMOVED, session, NULL, 0);
  DBG("app %s removed", a->spec->name);
}

/* Added apps whose pre-start handlers are done start; a stop deadline that passed kills; removed apps are freed. */
static void step_added(void) {
  long now = now_ms();
  size_t k = 0;
  for (size_t i = 0; i < g_pod.nadded; i++) {
    struct app *a = g_pod.added[i];
    if (a->state == A_READY && a->stop_asked) {
      report_exit(a, 128 + SIGTERM);
      a->state = A_DONE;
    } else if (a->state == A_READY) {
      if (app_start_main(a) < 0) {
        logmsg(LOG_ERROR, a->session, "starting %s: %s", a->spec->name, strerror(errno));
        report_exit(a, 125);
        a->state = A_DONE;
      } else {
        a->state = A_RUNNING;
        send_u32(F_STARTED, a->session, (uint32_t)a->main.pid);
        DBG("app %s started, pid %d", a->spec->name, a->main.pid);
      }
    }
    if (a->kill_at && now >= a->kill_at) {
      pid_t pid = a->main.pid ? a->main.pid : a->handler.pid;
      if (pid) kill(-pid, SIGKILL);
      a->kill_at = 0;
    }
    if (a->removed) {
      appspec_free(a->spec);
      free(a->spec);
      free(a);
    } else {
      g_pod.added[k++] = a;
    }
  }
  g_pod.nadded = k;
}

void pod_step(void) {
  if (g_pod.phase == WAIT_PLAN) return;
  if (g_pod.phase == STARTING && all_apps_in(A_READY)) start_apps();
  if (g_pod.phase == RUNNING) step_added();
  /* the pod rule is an immutable pod's: a mutable pod ends only when asked, whatever its apps do */
  if (!g_pod.plan.mutable_pod) {
    int any_failed = 0;
    for (size_t i = 0; i < g_pod.napps; i++)
      if (g_pod.apps[i].reported && g_pod.apps[i].code != 0) any_failed = 1;
    int all_done = all_apps_in(A_DONE);
    uint32_t grace = g_pod.plan.grace_ms;
    if (g_pod.phase != STOPPING && any_failed) begin_stop(OFF_APP_FAILED, grace);
    if (g_pod.phase != STOPPING && all_done && g_pod.napps > 0)
      begin_stop(any_failed ? OFF_APP_FAILED : OFF_ALL_DONE, 0);
    if (g_pod.phase != STOPPING && g_pod.napps == 0) begin_stop(OFF_ALL_DONE, 0);
  }
  if (g_pod.phase != STOPPING) return;
  long now = now_ms();
  if (now >= g_pod.kill_at && !g_pod.killed) {
    g_pod.killed = 1;
    signal_all(SIGKILL);
  }
  if (all_apps_in(A_DONE) || now >= g_pod.final_at) finish();
}
