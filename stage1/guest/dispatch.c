/* What the host asks, frame by frame (docs/PROTOCOL.md, "Frame types"): the plan, stop requests, enter sessions and
 * their stdin, signals and terminal sizes, and a mutable pod's added apps. */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "s1x.h"

static void on_plan(struct init *in, const uint8_t *p, uint32_t len) {
  char err[512];
  struct plan plan;
  if (pod_phase() != WAIT_PLAN) {
    logmsg(LOG_WARNING, 0, "second PLAN ignored");
    return;
  }
  if (plan_decode(p, len, &plan, err, sizeof err) < 0) fatal("invalid plan", err);
  if (plan.debug) g_debug = 1;
  if (g_debug && in->kmsg < 0) in->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  DBG("plan: %zu apps, %zu shares", plan.napps, plan.nshares);
  pod_start(&plan, in->transport);
}

static void on_exec(uint32_t session, const uint8_t *p, uint32_t len) {
  if (pod_phase() == WAIT_PLAN || pod_phase() == STOPPING) {
    if (session >= CHANNEL_FIRST_EXEC_SESSION && !session_find(session)) {
      const char *m = "stage1-xen: the pod is not running\n";
      send_frame(F_STDERR, session, m, strlen(m));
      send_u32(F_EXITED, session, 125);
    }
    return;
  }
  session_exec(session, p, len);
}

void on_frame(struct init *in, uint8_t type, uint32_t session, const uint8_t *p, uint32_t len) {
  struct child *c;
  uint32_t grace_ms;
  int signo;
  uint16_t rows, cols;
  switch (type) {
  case F_NOP:
    /* Until the plan arrives every NOP is answered: a HELLO written before the host connected may be lost. */
    if (pod_phase() == WAIT_PLAN && now_ms() - in->hello_at >= 200) say_hello(in);
    break;
  case F_PLAN:
    on_plan(in, p, len);
    break;
  case F_SHUTDOWN:
    if (shutdown_decode(p, len, &grace_ms) < 0) grace_ms = pod_grace_ms();
    pod_request_shutdown(grace_ms, "SHUTDOWN frame");
    break;
  case F_EXEC:
    on_exec(session, p, len);
    break;
  case F_APP_START:
    pod_app_start(session, p, len);
    break;
  case F_APP_STOP:
    /* the same payload as SHUTDOWN's: a grace period */
    if (shutdown_decode(p, len, &grace_ms) < 0) grace_ms = pod_grace_ms();
    pod_app_stop(session, grace_ms);
    break;
  case F_APP_RM:
    pod_app_rm(session);
    break;
  case F_STDIN:
    if ((c = pod_child(session))) child_write_stdin(c, p, len);
    break;
  case F_SIGNAL:
    if (signal_decode(p, len, &signo) == 0 && (c = pod_child(session)) && c->pid) {
      pid_t target = c->pid;
      if (c->tty) {
        pid_t fg = tcgetpgrp(c->out_fd);
        target = -(fg > 0 ? fg : c->pid);
      }
      kill(target, signo);
    }
    break;
  case F_WINSIZE:
    if (winsize_decode(p, len, &rows, &cols) == 0 && (c = pod_child(session)) && c->tty && c->out_fd >= 0) {
      struct winsize ws = {.ws_row = rows, .ws_col = cols};
      ioctl(c->out_fd, TIOCSWINSZ, &ws);
    }
    break;
  default:
    break; /* unknown types are ignored (forward compatibility) */
  }
}
