/* PID 1 of the pod VM, its start and its end: mounts, kernel command line, modules, the control channel, HELLO,
 * then the event loop (loop.c); and the power-off that ends every path. It must never exit (the kernel would
 * panic): every way out ends in reboot(RB_POWER_OFF). See docs/GUEST.md. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "s1x.h"

#define ACK_WAIT_MS 3000
#define CHANNEL_WAIT_MS 15000

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

static void parse_cmdline(struct init *in) {
  char buf[4096];
  int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  if (fd >= 0) close(fd);
  if (n <= 0) return;
  buf[n] = 0;
  for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n")) {
    if (!strncmp(tok, "s1x.ctl=", 8)) snprintf(in->ctl, sizeof in->ctl, "%s", tok + 8);
    else if (!strncmp(tok, "s1x.transport=", 14)) snprintf(in->transport, sizeof in->transport, "%s", tok + 14);
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

void say_hello(struct init *in) {
  in->hello_at = now_ms();
  struct utsname u;
  char type[32], gtype[32], text[508]; /* with the version: 512 bytes at most */
  uname(&u);
  read_line("/sys/hypervisor/type", type, sizeof type);
  read_line("/sys/hypervisor/guest_type", gtype, sizeof gtype);
  for (char *p = gtype; *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
  snprintf(text, sizeof text,
           "kernel=%s guest=%s%s%s transport=%s mem_total_kb=%ld mem_available_kb=%ld uptime_ms=%ld",
           u.release, type[0] ? type : "none", gtype[0] ? "-" : "", gtype, in->transport,
           meminfo_kb("MemTotal:"), meminfo_kb("MemAvailable:"), uptime_ms());
  send_hello(text);
}

void power_off(int reason) {
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

void fatal(const char *what, const char *detail) {
  logmsg(LOG_ERROR, 0, "fatal: %s: %s", what, detail);
  kill(-1, SIGKILL);
  power_off(OFF_GUEST_ERROR);
}

int main(void) {
  static struct init in = {.transport = "xen", .ctl = "/dev/hvc1", .kmsg = -1, .hello_at = -1000000};
  sigset_t set;
  sigemptyset(&set);
  int sigs[] = {SIGCHLD, SIGUSR2, SIGTERM, SIGPWR, SIGINT, SIGHUP, SIGUSR1, SIGQUIT, SIGPIPE};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaddset(&set, sigs[i]);
  sigprocmask(SIG_BLOCK, &set, NULL);
  in.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  early_mounts();
  parse_cmdline(&in);
  reboot(RB_DISABLE_CAD); /* Ctrl-Alt-Del becomes SIGINT: an orderly stop, not an instant reboot */
  DBG("init started, transport %s, channel %s", in.transport, in.ctl);
  if (strcmp(in.transport, "xen") && strcmp(in.transport, "virtio")) fatal("s1x.transport", in.transport);
  char list[64];
  snprintf(list, sizeof list, "/lib/modules/%s.list", in.transport);
  modules_load(list);
  DBG("modules loaded");
  long until = now_ms() + CHANNEL_WAIT_MS;
  while (chan_open(in.ctl) < 0) {
    if (now_ms() > until) fatal("control channel", in.ctl);
    usleep(10000);
  }
  if (in.sfd < 0) fatal("signalfd", strerror(errno));
  if (g_debug) in.kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  DBG("control channel %s open", in.ctl);
  say_hello(&in);
  event_loop(&in);
}
