/* PID 1's event loop: one poll over the control channel, the signalfd, /dev/kmsg (with debug) and every process's
 * output and stdin; after each round the pod's state machine takes its next step (pod.c). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "s1x.h"

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

static void on_channel(struct init *in, short re) {
  if ((re & POLLOUT) && chan_flush() < 0) logmsg(LOG_WARNING, 0, "control channel write failed");
  if (!(re & (POLLIN | POLLHUP | POLLERR))) return;
  if (chan_read() < 0) {
    /* a hung-up tty stays hung up on this descriptor: open the device again for the next host */
    usleep(20000);
    chan_reopen(in->ctl);
  }
  uint8_t type;
  uint32_t session, len;
  const uint8_t *payload;
  while (chan_next(&type, &session, &payload, &len)) on_frame(in, type, session, payload, len);
}

static void on_signals(struct init *in) {
  struct signalfd_siginfo si;
  while (read(in->sfd, &si, sizeof si) == sizeof si) {
    if (si.ssi_signo == SIGCHLD) {
      pod_reap();
    } else if (si.ssi_signo == SIGUSR2 || si.ssi_signo == SIGTERM || si.ssi_signo == SIGPWR ||
               si.ssi_signo == SIGINT) {
      pod_request_shutdown(pod_grace_ms(), strsignal((int)si.ssi_signo));
    }
  }
}

void event_loop(struct init *in) {
  struct pollfd pfd[MAXFDS];
  struct slot slots[MAXFDS];
  for (;;) {
    session_gc();
    pod_step();
    int n = 0;
    int reading = !chan_backlogged();
    add(pfd, slots, &n, chan_fd(), POLLIN | (chan_want_write() ? POLLOUT : 0), NULL);
    add(pfd, slots, &n, in->sfd, POLLIN, NULL);
    if (g_debug && in->kmsg >= 0) add(pfd, slots, &n, in->kmsg, POLLIN, NULL);
    for (size_t i = 0; i < pod_app_count(); i++) {
      add_child(pfd, slots, &n, &pod_app_at(i)->main, reading);
      add_child(pfd, slots, &n, &pod_app_at(i)->handler, reading);
    }
    for (size_t i = 0; i < session_count(); i++) add_child(pfd, slots, &n, session_at(i), reading);
    if (poll(pfd, (nfds_t)n, pod_poll_timeout()) < 0 && errno != EINTR) fatal("poll", strerror(errno));
    for (int i = 0; i < n; i++) {
      short re = pfd[i].revents;
      if (!re) continue;
      if (pfd[i].fd == chan_fd()) {
        on_channel(in, re);
      } else if (pfd[i].fd == in->sfd) {
        on_signals(in);
      } else if (pfd[i].fd == in->kmsg) {
        kmsg_forward(in->kmsg);
      } else if (slots[i].c) {
        struct child *c = slots[i].c;
        if (re & POLLOUT) child_flush_stdin(c);
        if (re & (POLLIN | POLLHUP | POLLERR)) child_pump_output(c, pfd[i].fd);
      }
    }
  }
}
