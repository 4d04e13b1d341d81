/* The control channel: framing (type:u8 session:u32 length:u32 payload) over a raw hvc tty, with a
 * non-blocking output queue so that PID 1 never hangs on a host that stopped reading. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "s1x.h"

/* Past this many queued bytes the init stops reading app output until the host catches up. */
#define BACKLOG_HIGH (256u * 1024u)

static int g_chan = -1;
static struct buf g_out, g_in;
static size_t g_in_consumed;
/* Until the PLAN arrives the input may start with bytes that are not frames (see chan_next). */
static int g_synced;

uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void put32(uint8_t *p, uint32_t v) {
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

int chan_reopen(const char *path) {
  int old = g_chan;
  /* open the new descriptor before closing the old one: the last close would reset the tty */
  if (chan_open(path) < 0) {
    g_chan = old;
    return -1;
  }
  if (old >= 0) close(old);
  return 0;
}

int chan_open(const char *path) {
  int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  /* The hvc driver resets termios on its last close, so raw mode is set on the descriptor that stays open
   * for the whole life of the guest. A non-tty (tests with a pipe) simply has no termios. */
  struct termios t;
  if (tcgetattr(fd, &t) == 0) {
    cfmakeraw(&t);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(fd, TCSANOW, &t);
    /* Bytes that arrived before raw mode went through the cooked line discipline (and were echoed back to
     * the host): they are not frames any more. */
    tcflush(fd, TCIOFLUSH);
  }
  g_chan = fd;
  return fd;
}

int chan_fd(void) { return g_chan; }

void send_frame(uint8_t type, uint32_t session, const void *payload, size_t len) {
  uint8_t h[FRAME_HEADER_BYTES];
  if (g_chan < 0) return;
  if (len > FRAME_MAX_PAYLOAD) len = FRAME_MAX_PAYLOAD;
  h[0] = type;
  put32(h + 1, session);
  put32(h + 5, (uint32_t)len);
  buf_add(&g_out, h, sizeof h);
  if (len) buf_add(&g_out, payload, len);
  chan_flush();
}

void send_u32(uint8_t type, uint32_t session, uint32_t v) {
  uint8_t p[4];
  put32(p, v);
  send_frame(type, session, p, 4);
}

void send_hello(const char *info) {
  struct buf b = {0};
  uint8_t v[4];
  put32(v, PLAN_VERSION);
  buf_add(&b, v, sizeof v);
  buf_add(&b, info, strlen(info));
  send_frame(F_HELLO, 0, b.p, b.len);
  buf_free(&b);
}

int shutdown_decode(const uint8_t *p, uint32_t len, uint32_t *grace_ms) {
  if (len != 4) return -1;
  *grace_ms = be32(p);
  return 0;
}

int signal_decode(const uint8_t *p, uint32_t len, int *signo) {
  if (len != 1) return -1;
  *signo = p[0];
  return 0;
}

int winsize_decode(const uint8_t *p, uint32_t len, uint16_t *rows, uint16_t *cols) {
  if (len != 4) return -1;
  *rows = (uint16_t)(p[0] << 8 | p[1]);
  *cols = (uint16_t)(p[2] << 8 | p[3]);
  return 0;
}

int chan_want_write(void) { return g_out.len > 0; }
int chan_backlogged(void) { return g_out.len > BACKLOG_HIGH; }

int chan_flush(void) {
  size_t off = 0;
  while (off < g_out.len) {
    ssize_t n = write(g_chan, g_out.p + off, g_out.len - off);
    if (n > 0) {
      off += (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    buf_drop(&g_out, off);
    return -1;
  }
  buf_drop(&g_out, off);
  return 0;
}

int chan_read(void) {
  uint8_t tmp[65536];
  if (g_in_consumed) {
    buf_drop(&g_in, g_in_consumed);
    g_in_consumed = 0;
  }
  for (;;) {
    ssize_t n = read(g_chan, tmp, sizeof tmp);
    if (n > 0) {
      buf_add(&g_in, tmp, (size_t)n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return 0;
    return -1; /* end of file or EIO: the tty was hung up */
  }
}

int chan_next(uint8_t *type, uint32_t *session, const uint8_t **payload, uint32_t *len) {
  size_t avail = g_in.len - g_in_consumed;
  const uint8_t *p = g_in.p + g_in_consumed;
  /* Before the plan the host sends only NOP, then PLAN (or SHUTDOWN). A header that is not one of those means
   * the stream starts mid-frame (part of a NOP was flushed with the cooked input): skip a byte and look again. */
  while (!g_synced && avail >= FRAME_HEADER_BYTES) {
    uint32_t s = be32(p + 1), l = be32(p + 5);
    if (s == 0 && ((p[0] == F_NOP && l == 0) || (p[0] == F_PLAN && l > 0 && l <= FRAME_MAX_PAYLOAD) ||
                   (p[0] == F_SHUTDOWN && l == 4)))
      break;
    p++;
    avail--;
    g_in_consumed++;
  }
  if (avail < FRAME_HEADER_BYTES) return 0;
  uint32_t l = be32(p + 5);
  if (l > FRAME_MAX_PAYLOAD) {
    /* A corrupt stream cannot be resynchronised: drop what is buffered and report it. */
    logmsg(LOG_ERROR, 0, "control channel: frame of %u bytes exceeds the maximum; input discarded", l);
    g_in.len = 0;
    g_in_consumed = 0;
    return 0;
  }
  if (avail < FRAME_HEADER_BYTES + l) return 0;
  *type = p[0];
  if (*type == F_PLAN) g_synced = 1;
  *session = be32(p + 1);
  *len = l;
  *payload = p + FRAME_HEADER_BYTES;
  g_in_consumed += FRAME_HEADER_BYTES + l;
  return 1;
}

int chan_drain(int timeout_ms) {
  long end = now_ms() + timeout_ms;
  if (g_chan < 0) return -1;
  while (g_out.len > 0 && now_ms() < end) {
    struct pollfd p = {.fd = g_chan, .events = POLLOUT};
    poll(&p, 1, 50);
    if (chan_flush() < 0) return -1;
  }
  /* bytes still in the tty layer (TIOCOUTQ) have not reached the ring yet */
  for (;;) {
    int q = 0;
    if (ioctl(g_chan, TIOCOUTQ, &q) < 0 || q == 0) break;
    if (now_ms() >= end) return -1;
    usleep(10000);
  }
  return g_out.len ? -1 : 0;
}
