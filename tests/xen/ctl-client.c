/* A minimal host end of the stage1-xen control protocol (docs/PROTOCOL.md) for a Xen dom0 without Java:
 * connects to the control socket, pokes with NOP until HELLO, sends a plan built from the command line, prints
 * every event with a timestamp, acknowledges POWEROFF and exits at the end of the stream.
 *
 *   ctl-client SOCKET T0_NS [--grace MS] [--share TAG PATH]... [--app NAME ROOT ARG... ;]...
 *
 * T0_NS is the wall-clock start of the measurement in nanoseconds (date +%s%N); times are printed in ms since
 * then. An app's arguments end at a lone ";" argument or at the end of the command line.
 * Exit status: 0 when the guest sent POWEROFF, 1 otherwise. Build: gcc -static -O2 -o ctl-client ctl-client.c
 * (the protocol's numbers come from stage1/guest/protocol.h, found relative to this file). */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../stage1/guest/protocol.h"

static long long t0;

static long long ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (ts.tv_sec * 1000000000LL + ts.tv_nsec - t0) / 1000000;
}

struct b {
  unsigned char *p;
  size_t n, cap;
};

static void add(struct b *b, const void *d, size_t n) {
  if (b->n + n > b->cap) {
    b->cap = (b->n + n) * 2 + 64;
    b->p = realloc(b->p, b->cap);
  }
  memcpy(b->p + b->n, d, n);
  b->n += n;
}

static void be32(unsigned char *p, uint32_t v) {
  p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

static void field(struct b *b, int tag, const void *v, size_t n) {
  unsigned char h[5] = {(unsigned char)tag};
  be32(h + 1, (uint32_t)n);
  add(b, h, 5);
  add(b, v, n);
}

static void field_str(struct b *b, int tag, const char *s) { field(b, tag, s, strlen(s)); }

static void field_u32(struct b *b, int tag, uint32_t v) {
  unsigned char x[4];
  be32(x, v);
  field(b, tag, x, 4);
}

static void send_frame(int fd, int type, uint32_t session, const void *p, size_t n) {
  unsigned char h[FRAME_HEADER_BYTES] = {(unsigned char)type};
  be32(h + 1, session);
  be32(h + 5, (uint32_t)n);
  if (write(fd, h, sizeof h) != (ssize_t)sizeof h || (n && write(fd, p, n) != (ssize_t)n)) perror("write");
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: ctl-client SOCKET T0_NS [--grace MS] [--share TAG PATH]... [--app NAME ROOT ARG... ;]...\n");
    return 2;
  }
  t0 = atoll(argv[2]);
  struct b plan = {0};
  uint32_t grace = 3000;
  field_u32(&plan, T_VERSION, PLAN_VERSION);
  field_str(&plan, T_HOSTNAME, "measure");
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "--grace") && i + 1 < argc) {
      grace = (uint32_t)atoi(argv[++i]);
    } else if (!strcmp(argv[i], "--share") && i + 2 < argc) {
      struct b s = {0};
      field_str(&s, T_SHARE_TAG, argv[i + 1]);
      field_str(&s, T_SHARE_PATH, argv[i + 2]);
      field(&plan, T_SHARE, s.p, s.n);
      i += 2;
    } else if (!strcmp(argv[i], "--app") && i + 3 < argc) {
      struct b a = {0};
      field_str(&a, T_NAME, argv[i + 1]);
      field_str(&a, T_ROOT, argv[i + 2]);
      for (i += 3; i < argc && strcmp(argv[i], ";"); i++) field_str(&a, T_ARG, argv[i]);
      field(&plan, T_APP, a.p, a.n);
    } else {
      fprintf(stderr, "ctl-client: unexpected argument '%s'\n", argv[i]);
      return 2;
    }
  }
  field_u32(&plan, T_GRACE_MS, grace);

  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", argv[1]);
  int fd = -1;
  for (int tries = 0; tries < 3000; tries++) {
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) break;
    close(fd);
    fd = -1;
    usleep(10000);
  }
  if (fd < 0) {
    printf("%lld CONNECT-FAILED %s\n", ms(), strerror(errno));
    return 1;
  }
  printf("%lld CONNECTED\n", ms());
  fflush(stdout);
  struct b in = {0};
  int hello = 0, poweroff = 0, first_out = 1;
  for (;;) {
    if (!hello) send_frame(fd, F_NOP, 0, NULL, 0);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 250) <= 0) continue;
    unsigned char tmp[65536];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n <= 0) break;
    add(&in, tmp, (size_t)n);
    size_t off = 0;
    if (!hello) {
      /* skip the tty echo of early NOPs: find HELLO on session 0 */
      while (in.n - off >= FRAME_HEADER_BYTES && !(in.p[off] == F_HELLO && !in.p[off + 1] && !in.p[off + 2] && !in.p[off + 3] && !in.p[off + 4]))
        off++;
    }
    while (in.n - off >= FRAME_HEADER_BYTES) {
      unsigned char *h = in.p + off;
      uint32_t s = (uint32_t)h[1] << 24 | h[2] << 16 | h[3] << 8 | h[4];
      uint32_t l = (uint32_t)h[5] << 24 | h[6] << 16 | h[7] << 8 | h[8];
      if (in.n - off < FRAME_HEADER_BYTES + l) break;
      unsigned char *pl = h + FRAME_HEADER_BYTES;
      uint32_t v = l >= 4 ? (uint32_t)pl[0] << 24 | pl[1] << 16 | pl[2] << 8 | pl[3] : 0;
      switch (h[0]) {
      case F_HELLO:
        if (!hello) {
          printf("%lld HELLO %.*s\n", ms(), (int)(l - 4), pl + 4);
          send_frame(fd, F_PLAN, 0, plan.p, plan.n);
          hello = 1;
        }
        break;
      case F_STARTED: printf("%lld STARTED %u pid %u\n", ms(), s, v); break;
      case F_READY: printf("%lld READY\n", ms()); break;
      case F_EXITED: printf("%lld EXITED %u %d\n", ms(), s, (int)v); break;
      case F_LOG: printf("%lld LOG %u %.*s\n", ms(), s, (int)(l - 1), pl + 1); break;
      case F_POWEROFF:
        printf("%lld POWEROFF %d\n", ms(), l ? pl[0] : -1);
        send_frame(fd, F_POWEROFF_ACK, 0, NULL, 0);
        poweroff = 1;
        break;
      case F_STDOUT:
      case F_STDERR:
        printf("%lld %s%s %u %.*s", ms(), h[0] == F_STDOUT ? "STDOUT" : "STDERR", first_out ? "-FIRST" : "", s, (int)l, pl);
        if (l == 0 || pl[l - 1] != '\n') printf("\n");
        first_out = 0;
        break;
      }
      fflush(stdout);
      off += FRAME_HEADER_BYTES + l;
    }
    memmove(in.p, in.p + off, in.n - off);
    in.n -= off;
  }
  printf("%lld EOF\n", ms());
  return poweroff ? 0 : 1;
}
