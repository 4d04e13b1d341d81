/* The init's own messages: to the console (errors always, everything with debug) and as LOG frames; the kernel's
 * (with debug) as LOG frames; and the init's clocks. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "s1x.h"

int g_debug;

long uptime_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void logmsg(int level, uint32_t session, const char *fmt, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(text + 1, sizeof text - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n > sizeof text - 2) n = sizeof text - 2;
  if (level <= LOG_WARNING || g_debug) {
    long ms = uptime_ms();
    dprintf(2, "s1x-init[%ld.%03ld]: %s\n", ms / 1000, ms % 1000, text + 1);
  }
  if (level == LOG_DEBUG && !g_debug) return;
  text[0] = (char)level;
  send_frame(F_LOG, session, text, (size_t)n + 1);
}

void kmsg_forward(int fd) {
  char rec[2048];
  for (int i = 0; i < 64; i++) {
    ssize_t n = read(fd, rec, sizeof rec - 1);
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
