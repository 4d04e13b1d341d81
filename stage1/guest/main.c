/* PID 1 of the pod VM: boots the guest, speaks the control protocol, runs the pod's apps, powers off.
 * It must never exit (the kernel would panic): every way out ends in reboot(RB_POWER_OFF). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "s1x.h"

#define ACK_WAIT_MS 3000
#define CHANNEL_WAIT_MS 15000

enum phase { WAIT_PLAN, STARTING, RUNNING, STOPPING };

static enum phase g_phase = WAIT_PLAN;
static struct plan g_plan;
static struct app *g_apps;
static size_t g_napps;
static int g_stop_reason = -1;
static long g_kill_at, g_final_at; /* STOPPING: SIGKILL the apps, then give up on post-stop handlers */
static int g_killed;
static int g_kmsg = -1;
static char g_transport[16] = "xen", g_ctl[64] = "/dev/hvc1";

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

static void mount_or_warn(const char *src, const char *dst, const char *type, unsigned long flags,
                          const char *data) {
  mkdir(dst, 0755);
  if (mount(src, dst, type, flags, data) < 0 && errno != EBUSY)
    logmsg(LOG_WARNING, 0, "mount %s on %s: %s", type, dst, strerror(errno));
}

static void early_mounts(void) {
  mount_or_warn("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
  int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd >= 0) {
    /* the initrd has no device nodes, so the kernel could not give PID 1 a console before devtmpfs */
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
  }
  mount_or_warn("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  mount_or_warn("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  mount_or_warn("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "ptmxmode=0666,mode=0620");
  mount_or_warn("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
  mount_or_warn("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
  mount_or_warn("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
  mkdir("/run/s1x", 0700);
}

static void parse_cmdline(void) {
  char buf[4096];
  int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  if (fd >= 0) close(fd);
  if (n <= 0) return;
  buf[n] = 0;
  for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n")) {
    if (!strncmp(tok, "s1x.ctl=", 8)) snprintf(g_ctl, sizeof g_ctl, "%s", tok + 8);
    else if (!strncmp(tok, "s1x.transport=", 14)) snprintf(g_transport, sizeof g_transport, "%s", tok + 14);
    else if (!strcmp(tok, "s1x.debug") || !strcmp(tok, "s1x.debug=1")) g_debug = 1;
  }
}

static void read_line(const char *path, char *out, size_t len) {
  out[0] = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n = read(fd, out, len - 1);
  close(fd);
  out[n > 0 ? n : 0] = 0;
  out[strcspn(out, "\n")] = 0;
}

static long meminfo_kb(const char *key) {
  char buf[4096];
  int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *p = strstr(buf, key);
  return p ? strtol(p + strlen(key) + 1, NULL, 10) : -1;
}

static long g_hello_at = -1000000;

static void say_hello(void) {
  g_hello_at = now_ms();
  struct utsname u;
  char type[32], gtype[32], text[508]; /* with the version: 512 bytes at most */
  uname(&u);
  read_line("/sys/hypervisor/type", type, sizeof type);
  read_line("/sys/hypervisor/guest_type", gtype, sizeof gtype);
  for (char *p = gtype; *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
  snprintf(text, sizeof text,
           "kernel=%s guest=%s%s%s transport=%s mem_total_kb=%ld mem_available_kb=%ld uptime_ms=%ld",
           u.release, type[0] ? type : "none", gtype[0] ? "-" : "", gtype, g_transport,
           meminfo_kb("MemTotal:"), meminfo_kb("MemAvailable:"), uptime_ms());
  send_hello(text);
}

/* The end of every path: statuses out, disks synced, power off. Never returns. */
static void __attribute__((noreturn)) power_off(int reason) {
  uint8_t r = (uint8_t)reason;
  DBG("power off, reason %d", reason);
  send_frame(F_POWEROFF, 0, &r, 1);
  chan_drain(ACK_WAIT_MS);
  /* Wait (bounded) for the host to confirm it read everything: the console ring is torn down with the domain,
   * and the EXITED frames before POWEROFF are the pod's exit statuses. */
  long end = now_ms() + ACK_WAIT_MS;
  int fd = chan_fd();
  while (fd >= 0 && now_ms() < end) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 100) <= 0) continue;
    if (chan_read() < 0) break;
    uint8_t type;
    uint32_t session, len;
    const uint8_t *payload;
    int acked = 0;
    while (chan_next(&type, &session, &payload, &len))
      if (type == F_POWEROFF_ACK) acked = 1;
    if (acked) break;
  }
  sync();
  for (;;) {
    reboot(RB_POWER_OFF);
    sleep(1);
  }
}

static void __attribute__((noreturn)) fatal(const char *what, const char *detail) {
  logmsg(LOG_ERROR, 0, "fatal: %s: %s", what, detail);
  kill(-1, SIGKILL);
  power_off(OFF_GUEST_ERROR);
}

/* ---- the pod ---- */

static void report_exit(struct app *a, int code) {
  if (a->reported) return;
  a->code = code;
  a->reported = 1;
  send_u32(F_EXITED, a->session, (uint32_t)code);
  DBG("app %s exited with %d", a->spec->name, code);
}

static void begin_stop(int reason, uint32_t grace_ms) {
  if (g_stop_reason < 0) g_stop_reason = reason;
  if (g_phase == STOPPING) return;
  g_phase = STOPPING;
  DBG("stopping the pod (reason %d, grace %u ms)", reason, grace_ms);
  g_kill_at = now_ms() + grace_ms;
  g_final_at = g_kill_at + grace_ms;
  for (size_t i = 0; i < g_napps; i++) {
    struct app *a = &g_apps[i];
    if (a->main.pid) kill(-a->main.pid, SIGTERM);
    if (a->handler.pid && a->state == A_PRESTART) kill(-a->handler.pid, SIGTERM);
    if (!a->started && a->state != A_DONE && a->state != A_POSTSTOP) {
      /* stopped before it could start: reported as if the stop had terminated it */
      if (!a->reported) report_exit(a, 128 + SIGTERM);
      if (a->state != A_PRESTART) a->state = A_DONE;
    }
  }
  for (size_t i = 0; i < session_count(); i++)
    if (session_at(i)->pid) kill(-session_at(i)->pid, SIGTERM);
}

static void request_shutdown(uint32_t grace_ms, const char *why) {
  /* Sent at once and always (info is not filtered): the host takes this frame as the answer that shows the guest
     still reads its channel, and destroys a guest that does not answer within 2 to 5 s. */
  logmsg(LOG_INFO, 0, "shutdown requested (%s)", why);
  if (g_phase == WAIT_PLAN) power_off(OFF_REQUESTED);
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

static void start_pod(void) {
  char err[512];
  if (g_plan.hostname && sethostname(g_plan.hostname, strlen(g_plan.hostname)) < 0)
    logmsg(LOG_WARNING, 0, "hostname: %s", strerror(errno));
  for (size_t i = 0; i < g_plan.nshares; i++) {
    struct sharespec *s = &g_plan.shares[i];
    char opts[128];
    snprintf(opts, sizeof opts, "trans=%s,version=9p2000.L,msize=%d", g_transport,
             strcmp(g_transport, "virtio") ? 131072 : 512000);
    if (mkdir_p(s->path) < 0 || mount(s->tag, s->path, "9p", MS_NOSUID | MS_NODEV | (s->ro ? MS_RDONLY : 0), opts) < 0)
      fatal("9p share", s->tag);
    DBG("share %s mounted on %s", s->tag, s->path);
  }
  if (net_configure(&g_plan, err, sizeof err) < 0) fatal("network", err);
  g_napps = g_plan.napps;
  g_apps = calloc(g_napps ? g_napps : 1, sizeof *g_apps);
  int failed = 0;
  for (size_t i = 0; i < g_napps; i++) {
    g_apps[i].spec = &g_plan.apps[i];
    if (app_prepare(&g_apps[i], &g_plan, i, err, sizeof err) < 0) {
      g_apps[i].session = 1 + (uint32_t)i;
      logmsg(LOG_ERROR, g_apps[i].session, "app %s: %s", g_plan.apps[i].name, err);
      report_exit(&g_apps[i], 125);
      g_apps[i].state = A_DONE;
      failed = 1;
    }
  }
  g_phase = STARTING;
  if (failed) {
    begin_stop(OFF_APP_FAILED, g_plan.grace_ms);
    return;
  }
  for (size_t i = 0; i < g_napps; i++) {
    g_apps[i].state = A_PRESTART;
    g_apps[i].hook = 0;
    next_handler(&g_apps[i]);
  }
}

/* Advances every app's state machine and applies the pod rule; returns when nothing more can happen now. */
static void step(void) {
  if (g_phase == WAIT_PLAN) return;
  if (g_phase == STARTING) {
    int all_ready = 1;
    for (size_t i = 0; i < g_napps; i++)
      if (g_apps[i].state != A_READY) all_ready = 0;
    if (all_ready) {
      /* every pre-start handler is done: all apps start together */
      for (size_t i = 0; i < g_napps; i++) {
        struct app *a = &g_apps[i];
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
      g_phase = RUNNING;
    }
  }
  int all_done = 1, any_failed = 0;
  for (size_t i = 0; i < g_napps; i++) {
    struct app *a = &g_apps[i];
    if (a->reported && a->code != 0) any_failed = 1;
    if (a->state != A_DONE) all_done = 0;
  }
  if (g_phase != STOPPING && any_failed) begin_stop(OFF_APP_FAILED, g_plan.grace_ms);
  if (g_phase != STOPPING && all_done && g_napps > 0) begin_stop(any_failed ? OFF_APP_FAILED : OFF_ALL_DONE, 0);
  if (g_phase != STOPPING && g_napps == 0 && !g_plan.mutable_pod) begin_stop(OFF_ALL_DONE, 0);
  if (g_phase == STOPPING) {
    long now = now_ms();
    if (now >= g_kill_at && !g_killed) {
      g_killed = 1;
      for (size_t i = 0; i < g_napps; i++) {
        if (g_apps[i].main.pid) kill(-g_apps[i].main.pid, SIGKILL);
        if (g_apps[i].handler.pid && g_apps[i].state == A_PRESTART) kill(-g_apps[i].handler.pid, SIGKILL);
      }
      for (size_t i = 0; i < session_count(); i++)
        if (session_at(i)->pid) kill(-session_at(i)->pid, SIGKILL);
    }
    int apps_done = 1;
    for (size_t i = 0; i < g_napps; i++)
      if (g_apps[i].state != A_DONE) apps_done = 0;
    if (apps_done || now >= g_final_at) {
      /* everything left (post-stop handlers past their time, enter sessions, orphans) goes now */
      kill(-1, SIGKILL);
      long end = now_ms() + 2000;
      for (;;) {
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid < 0 && errno == ECHILD) break;
        if (pid > 0) {
          for (size_t i = 0; i < session_count(); i++)
            if (session_at(i)->pid == pid) {
              session_at(i)->code = exit_code_of(st);
              session_at(i)->pid = 0;
              session_at(i)->reaped = 1;
              session_reaped(session_at(i));
            }
          for (size_t i = 0; i < g_napps; i++)
            if (g_apps[i].main.pid == pid) {
              child_drain(&g_apps[i].main);
              g_apps[i].main.pid = 0;
              report_exit(&g_apps[i], exit_code_of(st));
            }
          continue;
        }
        if (now_ms() > end) break;
        usleep(5000);
      }
      for (size_t i = 0; i < g_napps; i++) report_exit(&g_apps[i], 128 + SIGKILL);
      for (size_t i = 0; i < session_count(); i++)
        if (!session_at(i)->reaped) {
          session_at(i)->code = 128 + SIGKILL;
          session_at(i)->reaped = 1;
          session_reaped(session_at(i));
        }
      power_off(g_stop_reason < 0 ? OFF_ALL_DONE : g_stop_reason);
    }
  }
}

static void on_reaped(pid_t pid, int status) {
  int code = exit_code_of(status);
  for (size_t i = 0; i < g_napps; i++) {
    struct app *a = &g_apps[i];
    if (a->main.pid == pid) {
      a->main.pid = 0;
      child_drain(&a->main);
      child_close_io(&a->main);
      report_exit(a, code);
      a->state = A_POSTSTOP;
      a->hook = 0;
      next_handler(a);
      return;
    }
    if (a->handler.pid == pid) {
      a->handler.pid = 0;
      child_drain(&a->handler);
      child_close_io(&a->handler);
      if (a->state == A_PRESTART && code != 0) {
        logmsg(LOG_ERROR, a->session, "pre-start handler of %s exited with %d", a->spec->name, code);
        report_exit(a, code);
        a->state = A_DONE;
      } else {
        if (code != 0) logmsg(LOG_WARNING, a->session, "post-stop handler of %s exited with %d", a->spec->name, code);
        if (g_phase == STOPPING && a->state == A_PRESTART) a->state = A_DONE;
        else next_handler(a);
      }
      return;
    }
  }
  struct child *c = NULL;
  for (size_t i = 0; i < session_count(); i++)
    if (session_at(i)->pid == pid) c = session_at(i);
  if (c) {
    c->pid = 0;
    c->code = code;
    c->reaped = 1;
    session_reaped(c); /* freed by session_gc() at the top of the loop, never under a pending poll slot */
  }
  /* anything else is an orphan that PID 1 inherited; reaping it is all there is to do */
}

static struct child *child_for(uint32_t session) {
  if (session >= 1 && session <= g_napps) return &g_apps[session - 1].main;
  return session_find(session);
}

static void on_frame(uint8_t type, uint32_t session, const uint8_t *p, uint32_t len) {
  char err[512];
  struct child *c;
  uint32_t grace_ms;
  int signo;
  uint16_t rows, cols;
  switch (type) {
  case F_NOP:
    /* Until the plan arrives every NOP is answered: a HELLO written before the host connected may be lost. */
    if (g_phase == WAIT_PLAN && now_ms() - g_hello_at >= 200) say_hello();
    break;
  case F_PLAN:
    if (g_phase != WAIT_PLAN) {
      logmsg(LOG_WARNING, 0, "second PLAN ignored");
      break;
    }
    if (plan_decode(p, len, &g_plan, err, sizeof err) < 0) fatal("invalid plan", err);
    if (g_plan.debug) g_debug = 1;
    if (g_debug && g_kmsg < 0) g_kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    DBG("plan: %zu apps, %zu shares", g_plan.napps, g_plan.nshares);
    start_pod();
    break;
  case F_SHUTDOWN:
    if (shutdown_decode(p, len, &grace_ms) < 0) grace_ms = g_plan.grace_ms;
    request_shutdown(grace_ms, "SHUTDOWN frame");
    break;
  case F_EXEC:
    if (g_phase == WAIT_PLAN || g_phase == STOPPING) {
      if (session >= CHANNEL_FIRST_EXEC_SESSION && !session_find(session)) {
        const char *m = "stage1-xen: the pod is not running\n";
        send_frame(F_STDERR, session, m, strlen(m));
        send_u32(F_EXITED, session, 125);
      }
      break;
    }
    session_exec(session, p, len, g_apps, g_napps);
    break;
  case F_STDIN:
    if ((c = child_for(session))) child_write_stdin(c, p, len);
    break;
  case F_SIGNAL:
    if (signal_decode(p, len, &signo) == 0 && (c = child_for(session)) && c->pid) {
      pid_t target = c->pid;
      if (c->tty) {
        pid_t fg = tcgetpgrp(c->out_fd);
        target = -(fg > 0 ? fg : c->pid);
      }
      kill(target, signo);
    }
    break;
  case F_WINSIZE:
    if (winsize_decode(p, len, &rows, &cols) == 0 && (c = child_for(session)) && c->tty && c->out_fd >= 0) {
      struct winsize ws = {.ws_row = rows, .ws_col = cols};
      ioctl(c->out_fd, TIOCSWINSZ, &ws);
    }
    break;
  default:
    break; /* unknown types are ignored (forward compatibility) */
  }
}

static void forward_kmsg(void) {
  char rec[2048];
  for (int i = 0; i < 64; i++) {
    ssize_t n = read(g_kmsg, rec, sizeof rec - 1);
    if (n <= 0) return;
    rec[n] = 0;
    char *msg = strchr(rec, ';');
    msg = msg ? msg + 1 : rec;
    msg[strcspn(msg, "\n")] = 0;
    /* straight to the host: the console shows kernel messages already */
    size_t len = strlen(msg);
    memmove(msg + 1, msg, len);
    msg[0] = LOG_DEBUG;
    send_frame(F_LOG, 0, msg, len + 1);
  }
}

/* ---- poll loop ---- */

#define MAXFDS 512
struct slot {
  struct child *c;
  int fd;
};

static void add(struct pollfd *pfd, struct slot *slots, int *n, int fd, short ev, struct child *c) {
  if (fd < 0 || *n >= MAXFDS) return;
  pfd[*n] = (struct pollfd){.fd = fd, .events = ev};
  slots[*n] = (struct slot){c, fd};
  (*n)++;
}

static void add_child(struct pollfd *pfd, struct slot *slots, int *n, struct child *c, int reading) {
  if (reading) {
    add(pfd, slots, n, c->out_fd, POLLIN, c);
    add(pfd, slots, n, c->err_fd, POLLIN, c);
  }
  if (c->in_fd >= 0 && c->inq.len && c->in_fd != c->out_fd) add(pfd, slots, n, c->in_fd, POLLOUT, c);
  if (c->in_fd >= 0 && c->inq.len && c->in_fd == c->out_fd && reading) pfd[*n - 1].events |= POLLOUT;
}

int main(void) {
  sigset_t set;
  sigemptyset(&set);
  int sigs[] = {SIGCHLD, SIGUSR2, SIGTERM, SIGPWR, SIGINT, SIGHUP, SIGUSR1, SIGQUIT, SIGPIPE};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaddset(&set, sigs[i]);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  early_mounts();
  parse_cmdline();
  reboot(RB_DISABLE_CAD); /* Ctrl-Alt-Del becomes SIGINT: an orderly stop, not an instant reboot */
  DBG("init started, transport %s, channel %s", g_transport, g_ctl);
  if (strcmp(g_transport, "xen") && strcmp(g_transport, "virtio")) fatal("s1x.transport", g_transport);
  char list[64];
  snprintf(list, sizeof list, "/lib/modules/%s.list", g_transport);
  modules_load(list);
  DBG("modules loaded");
  long until = now_ms() + CHANNEL_WAIT_MS;
  while (chan_open(g_ctl) < 0) {
    if (now_ms() > until) fatal("control channel", g_ctl);
    usleep(10000);
  }
  if (sfd < 0) fatal("signalfd", strerror(errno));
  if (g_debug) g_kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  DBG("control channel %s open", g_ctl);
  say_hello();

  struct pollfd pfd[MAXFDS];
  struct slot slots[MAXFDS];
  for (;;) {
    session_gc();
    step();
    int n = 0;
    int reading = !chan_backlogged();
    add(pfd, slots, &n, chan_fd(), POLLIN | (chan_want_write() ? POLLOUT : 0), NULL);
    add(pfd, slots, &n, sfd, POLLIN, NULL);
    if (g_debug && g_kmsg >= 0) add(pfd, slots, &n, g_kmsg, POLLIN, NULL);
    for (size_t i = 0; i < g_napps; i++) {
      add_child(pfd, slots, &n, &g_apps[i].main, reading);
      add_child(pfd, slots, &n, &g_apps[i].handler, reading);
    }
    for (size_t i = 0; i < session_count(); i++) add_child(pfd, slots, &n, session_at(i), reading);
    int timeout = -1;
    if (g_phase == STOPPING) {
      long t = (g_killed ? g_final_at : g_kill_at) - now_ms();
      timeout = t < 0 ? 0 : (int)t + 1;
    }
    if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR) fatal("poll", strerror(errno));
    for (int i = 0; i < n; i++) {
      short re = pfd[i].revents;
      if (!re) continue;
      if (pfd[i].fd == chan_fd()) {
        if ((re & POLLOUT) && chan_flush() < 0) logmsg(LOG_WARNING, 0, "control channel write failed");
        if (re & (POLLIN | POLLHUP | POLLERR)) {
          if (chan_read() < 0) {
            /* a hung-up tty stays hung up on this descriptor: open the device again for the next host */
            usleep(20000);
            chan_reopen(g_ctl);
          }
          uint8_t type;
          uint32_t session, len;
          const uint8_t *payload;
          while (chan_next(&type, &session, &payload, &len)) on_frame(type, session, payload, len);
        }
      } else if (pfd[i].fd == sfd) {
        struct signalfd_siginfo si;
        while (read(sfd, &si, sizeof si) == sizeof si) {
          if (si.ssi_signo == SIGCHLD) {
            int st;
            pid_t pid;
            while ((pid = waitpid(-1, &st, WNOHANG)) > 0) on_reaped(pid, st);
          } else if (si.ssi_signo == SIGUSR2 || si.ssi_signo == SIGTERM || si.ssi_signo == SIGPWR ||
                     si.ssi_signo == SIGINT) {
            request_shutdown(g_plan.grace_ms, strsignal((int)si.ssi_signo));
          }
        }
      } else if (pfd[i].fd == g_kmsg) {
        forward_kmsg();
      } else if (slots[i].c) {
        struct child *c = slots[i].c;
        if (re & POLLOUT) child_flush_stdin(c);
        if (re & (POLLIN | POLLHUP | POLLERR)) child_pump_output(c, pfd[i].fd);
      }
    }
  }
}
