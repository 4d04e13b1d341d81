/* Unit tests of the guest init's pure parts, run on the build host: plan decoding, paths inside an untrusted
 * root, user/group resolution, and the golden frames both the guest and the host are held to. Build and run: see
 * GuestInitUnitTest.java (or: gcc -D_GNU_SOURCE -I.. -o t unit_test.c ../plan.c ../net.c ../safepath.c
 * ../volumes.c ../ids.c ../util.c ../proto.c ../log.c ../apps.c && ./t GOLDEN_DIR, GOLDEN_DIR being
 * src/test/resources/protocol; S1X_GOLDEN_UPDATE=1 writes the guest's frames there instead of comparing).
 * Prints "N passed, N failed". */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "s1x.h"

static int passed, failed;
#define CHECK(cond, ...)                                                                                               \
  do {                                                                                                                 \
    if (cond) passed++;                                                                                                \
    else {                                                                                                             \
      failed++;                                                                                                        \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                                     \
      printf(__VA_ARGS__);                                                                                             \
      printf("\n");                                                                                                    \
    }                                                                                                                  \
  } while (0)

struct b {
  uint8_t p[8192];
  size_t n;
};
static void f(struct b *b, int tag, const void *v, size_t n) {
  b->p[b->n++] = (uint8_t)tag;
  put32(b->p + b->n, (uint32_t)n);
  b->n += 4;
  memcpy(b->p + b->n, v, n);
  b->n += n;
}
static void fs(struct b *b, int tag, const char *s) { f(b, tag, s, strlen(s)); }
static void fu(struct b *b, int tag, uint32_t v) {
  uint8_t x[4];
  put32(x, v);
  f(b, tag, x, 4);
}

static int decode(struct b *b, struct plan *pl, char *err) { return plan_decode(b->p, b->n, pl, err, 256); }

static void test_plan(void) {
  struct b app = {0}, share = {0}, pre = {0}, p = {0};
  struct plan pl;
  char err[256];
  fs(&app, T_NAME, "web");
  fs(&app, T_ROOT, "/s1x/app0");
  fs(&app, T_ARG, "/bin/sh");
  fs(&app, T_ARG, "-c");
  fs(&app, T_ARG, "echo \"$X\" 'a  b'\nnext");
  fs(&app, T_ENV, "X=1=2");
  fu(&app, T_SUPP_GID, 4000000000u);
  fu(&app, T_OOM_SCORE_ADJ, (uint32_t)-500);
  fs(&pre, T_ARG, "/bin/true");
  f(&app, T_PRE_START, pre.p, pre.n);
  fs(&share, T_SHARE_TAG, "app0");
  fs(&share, T_SHARE_PATH, "/s1x/app0");
  fu(&p, T_VERSION, PLAN_VERSION);
  fs(&p, T_HOSTNAME, "host");
  f(&p, T_SHARE, share.p, share.n);
  f(&p, T_APP, app.p, app.n);
  CHECK(decode(&p, &pl, err) == 0, "valid plan: %s", err);
  CHECK(pl.napps == 1 && pl.apps[0].argv.n == 3, "one app, three args");
  CHECK(!strcmp(pl.apps[0].argv.v[2], "echo \"$X\" 'a  b'\nnext"), "argument kept byte for byte");
  CHECK(pl.apps[0].argv.v[3] == NULL, "argv NULL-terminated");
  CHECK(pl.apps[0].nsupp == 1 && pl.apps[0].supp[0] == 4000000000u, "u32 gid");
  CHECK(pl.apps[0].has_oom && pl.apps[0].oom == -500, "signed oom");
  CHECK(!strcmp(pl.apps[0].user, "0") && !strcmp(pl.apps[0].workdir, "/"), "defaults");
  CHECK(pl.grace_ms == 10000, "default grace");
  CHECK(pl.apps[0].nprestart == 1, "pre-start handler");
  CHECK(pl.nshares == 1 && !strcmp(pl.shares[0].tag, "app0"), "share");

  /* every malformed variant must be refused */
  struct { const char *name; struct b plan; } bad[12];
  int nb = 0;
  memset(bad, 0, sizeof bad);
  bad[nb].name = "truncated";
  bad[nb].plan = p;
  bad[nb++].plan.n -= 3;
  bad[nb].name = "no VERSION first";
  fs(&bad[nb].plan, T_HOSTNAME, "h");
  fu(&bad[nb++].plan, T_VERSION, PLAN_VERSION);
  bad[nb].name = "a version this init does not speak";
  fu(&bad[nb++].plan, T_VERSION, PLAN_VERSION + 1);
  bad[nb].name = "unknown tag";
  fu(&bad[nb].plan, T_VERSION, PLAN_VERSION);
  fs(&bad[nb++].plan, 0x7f, "x"); /* a tag protocol.h does not define */
  bad[nb].name = "NUL in hostname";
  fu(&bad[nb].plan, T_VERSION, PLAN_VERSION);
  f(&bad[nb++].plan, T_HOSTNAME, "a\0b", 3);
  bad[nb].name = "length past end";
  fu(&bad[nb].plan, T_VERSION, PLAN_VERSION);
  bad[nb].plan.p[bad[nb].plan.n++] = T_HOSTNAME;
  put32(bad[nb].plan.p + bad[nb].plan.n, 1000);
  bad[nb++].plan.n += 4;
  struct b a2 = {0};
  fs(&a2, T_NAME, "x");
  fs(&a2, T_ROOT, "relative");
  fs(&a2, T_ARG, "/bin/true");
  bad[nb].name = "relative root";
  fu(&bad[nb].plan, T_VERSION, PLAN_VERSION);
  f(&bad[nb++].plan, T_APP, a2.p, a2.n);
  struct b a3 = {0};
  fs(&a3, T_NAME, "x");
  fs(&a3, T_ROOT, "/r");
  bad[nb].name = "no ARG";
  fu(&bad[nb].plan, T_VERSION, PLAN_VERSION);
  f(&bad[nb++].plan, T_APP, a3.p, a3.n);
  struct b a4 = a3;
  fs(&a4, T_ARG, "/x");
  fs(&a4, T_ENV, "1BAD=x");
  bad[nb].name = "bad env name";
  fu(&bad[nb].plan, T_VERSION, PLAN_VERSION);
  f(&bad[nb++].plan, T_APP, a4.p, a4.n);
  struct b a5 = a3;
  fs(&a5, T_ARG, "/x");
  bad[nb].name = "duplicate app";
  fu(&bad[nb].plan, T_VERSION, PLAN_VERSION);
  f(&bad[nb].plan, T_APP, a5.p, a5.n);
  f(&bad[nb++].plan, T_APP, a5.p, a5.n);
  bad[nb].name = "boolean 2";
  fu(&bad[nb].plan, T_VERSION, PLAN_VERSION);
  f(&bad[nb++].plan, T_DEBUG, "\2", 1);
  bad[nb].name = "short u32";
  fu(&bad[nb].plan, T_VERSION, PLAN_VERSION);
  f(&bad[nb++].plan, T_GRACE_MS, "\0\0", 2);
  for (int i = 0; i < nb; i++) {
    err[0] = 0;
    CHECK(decode(&bad[i].plan, &pl, err) < 0 && err[0], "%s must be refused", bad[i].name);
  }

  struct execreq x;
  struct b e = {0};
  fs(&e, T_EXEC_APP, "web");
  fs(&e, T_ARG, "cat");
  fs(&e, T_ENV, "A=b");
  f(&e, T_TTY, "\1", 1);
  fu(&e, T_EXEC_ROWS, 40);
  CHECK(execreq_decode(e.p, e.n, &x, err, sizeof err) == 0 && x.tty && x.rows == 40 && x.argv.n == 1, "exec: %s", err);
  struct b e2 = {0};
  fs(&e2, T_ARG, "cat");
  CHECK(execreq_decode(e2.p, e2.n, &x, err, sizeof err) < 0, "exec without app refused");
}

static char tmpl[] = "/tmp/s1x-unit.XXXXXX";

static int exists(const char *rel) {
  char p[512];
  struct stat st;
  snprintf(p, sizeof p, "%s/%s", tmpl, rel);
  return lstat(p, &st) == 0;
}

static void mk(const char *rel, const char *content) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", tmpl, rel);
  if (!content) {
    mkdir(p, 0755);
    return;
  }
  FILE *fp = fopen(p, "w");
  fputs(content, fp);
  fclose(fp);
}

static void ln(const char *target, const char *rel) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", tmpl, rel);
  if (symlink(target, p) != 0) perror("symlink");
}

/* APP_START's payload is one APP's fields: the same validation and defaults as in a plan. */
static void test_app_start_payload(void) {
  struct b ok = {0}, noarg = {0}, relroot = {0};
  struct appspec a;
  char err[256] = "";
  fs(&ok, T_NAME, "added");
  fs(&ok, T_ROOT, "/s1x/share/stage2/added");
  fs(&ok, T_ARG, "/bin/true");
  CHECK(appspec_decode(ok.p, ok.n, &a, err, sizeof err) == 0 && !strcmp(a.user, "0") && !strcmp(a.group, "0") &&
            !strcmp(a.workdir, "/"),
        "a minimal app: defaults user 0, group 0, workdir /: %s", err);
  appspec_free(&a);
  CHECK(!a.name && !a.argv.n, "appspec_free clears the spec");
  fs(&noarg, T_NAME, "added");
  fs(&noarg, T_ROOT, "/s1x/share/stage2/added");
  CHECK(appspec_decode(noarg.p, noarg.n, &a, err, sizeof err) < 0 && strstr(err, "no ARG"), "no ARG refused: %s", err);
  appspec_free(&a);
  fs(&relroot, T_NAME, "added");
  fs(&relroot, T_ROOT, "share/stage2/added");
  fs(&relroot, T_ARG, "/bin/true");
  CHECK(appspec_decode(relroot.p, relroot.n, &a, err, sizeof err) < 0 && strstr(err, "not an absolute path"),
        "a relative ROOT refused: %s", err);
  appspec_free(&a);
  fu(&ok, T_VERSION, 1);
  CHECK(appspec_decode(ok.p, ok.n, &a, err, sizeof err) < 0 && strstr(err, "unknown field"),
        "a pod field in an app refused: %s", err);
  appspec_free(&a);
}

static void test_net_plan(void) {
  struct b r1 = {0}, r2 = {0}, n = {0}, p = {0};
  struct plan pl;
  char err[256];
  fs(&r1, T_ROUTE_DST, "172.16.28.1/32");
  fs(&r2, T_ROUTE_DST, "0.0.0.0/0");
  fs(&r2, T_ROUTE_VIA, "172.16.28.1");
  fs(&n, T_NET_NAME, "eth0");
  fs(&n, T_NET_MAC, "02:ab:cd:ef:01:23");
  fs(&n, T_NET_ADDRESS, "172.16.28.5/24");
  fu(&n, T_NET_MTU, 1400);
  f(&n, T_NET_PREFIX_ROUTE, "\0", 1);
  f(&n, T_NET_ROUTE, r1.p, r1.n);
  f(&n, T_NET_ROUTE, r2.p, r2.n);
  fu(&p, T_VERSION, PLAN_VERSION);
  fs(&p, T_HOSTNAME, "h");
  f(&p, T_NET, n.p, n.n);
  CHECK(decode(&p, &pl, err) == 0, "plan with an interface: %s", err);
  CHECK(pl.nnets == 1 && !strcmp(pl.nets[0].name, "eth0") && pl.nets[0].mtu == 1400 && !pl.nets[0].prefix_route,
        "interface fields");
  CHECK(pl.nets[0].nroutes == 2 && pl.nets[0].routes[0].via == NULL && !strcmp(pl.nets[0].routes[1].via, "172.16.28.1"),
        "routes: on-link, then via the gateway");

  uint32_t a;
  unsigned len;
  unsigned char mac[6];
  CHECK(parse_prefix("10.1.2.3/8", &a, &len) == 0 && len == 8 && a == htonl(0x0a010203), "prefix parsed");
  CHECK(parse_mac("02:AB:cd:00:ff:10", mac) == 0 && mac[1] == 0xab && mac[5] == 0x10, "mac parsed");
  const char *bad_prefixes[] = {"10.1.2.3", "10.1.2.3/33", "10.1.2/8", "10.1.2.3/", "10.1.2.3/8x", "::1/128",
                                "10.1.2.3/-1", "300.1.2.3/8"};
  for (size_t i = 0; i < sizeof bad_prefixes / sizeof *bad_prefixes; i++)
    CHECK(parse_prefix(bad_prefixes[i], &a, &len) != 0, "prefix '%s' must be refused", bad_prefixes[i]);
  const char *bad_macs[] = {"02:ab:cd:ef:01", "02-ab-cd-ef-01-23", "02:ab:cd:ef:01:2g", "02:ab:cd:ef:01:234"};
  for (size_t i = 0; i < sizeof bad_macs / sizeof *bad_macs; i++)
    CHECK(parse_mac(bad_macs[i], mac) != 0, "mac '%s' must be refused", bad_macs[i]);

  /* a malformed interface refuses the whole plan */
  const struct { uint8_t tag; const char *value; } fields[] = {
      {T_NET_MAC, "02:ab"}, {T_NET_ADDRESS, "172.16.28.5"}, {T_NET_NAME, "a-name-longer-than-15"}};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    struct b bn = {0}, bp = {0};
    fs(&bn, T_NET_NAME, "eth0");
    fs(&bn, T_NET_MAC, "02:ab:cd:ef:01:23");
    fs(&bn, T_NET_ADDRESS, "172.16.28.5/24");
    fs(&bn, fields[i].tag, fields[i].value);
    fu(&bp, T_VERSION, PLAN_VERSION);
    f(&bp, T_NET, bn.p, bn.n);
    err[0] = 0;
    CHECK(decode(&bp, &pl, err) < 0 && err[0], "interface with bad field %zu must be refused", i);
  }
  struct b br = {0}, bn = {0}, bp = {0};
  fs(&br, T_ROUTE_DST, "0.0.0.0/0");
  fs(&br, T_ROUTE_VIA, "not-an-ip");
  fs(&bn, T_NET_NAME, "eth0");
  fs(&bn, T_NET_MAC, "02:ab:cd:ef:01:23");
  fs(&bn, T_NET_ADDRESS, "172.16.28.5/24");
  f(&bn, T_NET_ROUTE, br.p, br.n);
  fu(&bp, T_VERSION, PLAN_VERSION);
  f(&bp, T_NET, bn.p, bn.n);
  CHECK(decode(&bp, &pl, err) < 0, "a route with an invalid gateway must be refused");
}

static void test_safepath(void) {
  char outside[600];
  mkdtemp(tmpl);
  mk("root", NULL);
  mk("root/etc", NULL);
  snprintf(outside, sizeof outside, "%s/outside", tmpl);
  int root = open(strcat(strcpy((char[512]){0}, tmpl), "/root"), O_PATH | O_DIRECTORY);
  CHECK(root >= 0, "open root");
  /* relative escape: proc -> ../../../outside must stay inside root */
  ln("../../../../../../outside", "root/proc");
  int fd = in_root_mkdirs(root, "proc/sub", 0755);
  CHECK(fd >= 0, "mkdirs through an escaping symlink: %s", strerror(errno));
  if (fd >= 0) close(fd);
  CHECK(!exists("outside"), "nothing created outside the root");
  CHECK(exists("root/outside/sub"), "created at the clamped place inside the root");
  /* absolute dangling symlink for a file: created inside the root */
  ln(outside, "root/etc/hosts");
  fd = in_root_file(root, "/etc/hosts");
  CHECK(fd >= 0, "in_root_file through an absolute dangling link: %s", strerror(errno));
  if (fd >= 0) close(fd);
  CHECK(!exists("outside"), "absolute link did not escape");
  char inside[700];
  snprintf(inside, sizeof inside, "root%s", outside);
  CHECK(exists(inside), "the link's target was created inside the root");
  /* a symlink to / just means the root */
  ln("/", "root/sys");
  fd = in_root_mkdirs(root, "sys", 0755);
  struct stat a, b;
  fstat(fd, &a);
  fstat(root, &b);
  CHECK(fd >= 0 && a.st_ino == b.st_ino, "sys -> / is the app's own root");
  if (fd >= 0) close(fd);
  /* magic links are refused outright */
  ln("/proc/self/root/etc", "root/magic");
  fd = in_root_open(root, "magic/passwd", O_RDONLY, 0);
  CHECK(fd < 0, "no way out through /proc magic links");
  /* a missing plain file is created empty, an existing one opened */
  fd = in_root_file(root, "etc/resolv.conf");
  CHECK(fd >= 0 && exists("root/etc/resolv.conf"), "missing file created");
  if (fd >= 0) close(fd);
  /* ".." above the root */
  fd = in_root_open(root, "../../..", O_PATH | O_DIRECTORY, 0);
  fstat(fd, &a);
  CHECK(fd >= 0 && a.st_ino == b.st_ino, "\"..\" stops at the root");
  if (fd >= 0) close(fd);

  /* volume targets: made inside the root, of the volume's type, never the root itself */
  char verr[256];
  ln("/../../outside-vol", "root/voldir");
  fd = volume_target(root, "/voldir/deeper", 1, verr, sizeof verr);
  CHECK(fd >= 0, "volume dir through an escaping absolute link: %s", verr);
  if (fd >= 0) close(fd);
  CHECK(exists("root/outside-vol/deeper") && !exists("outside-vol"), "volume dir created inside the root");
  ln("../etc/hosts", "root/volfile");
  fd = volume_target(root, "/volfile", 0, verr, sizeof verr);
  CHECK(fd >= 0, "volume file through a link to an existing file: %s", verr);
  fstat(fd, &a);
  CHECK(fd >= 0 && S_ISREG(a.st_mode), "the existing file inside the root is the target");
  if (fd >= 0) close(fd);
  fd = volume_target(root, "/new/dir/for/file.conf", 0, verr, sizeof verr);
  CHECK(fd >= 0 && exists("root/new/dir/for/file.conf"), "a missing file target and its parents are made: %s", verr);
  if (fd >= 0) close(fd);
  fd = volume_target(root, "/etc", 0, verr, sizeof verr);
  CHECK(fd < 0 && strstr(verr, "a directory in the app, but the volume is a single file"), "file on dir: %s", verr);
  fd = volume_target(root, "/etc/resolv.conf", 1, verr, sizeof verr);
  CHECK(fd < 0 && strstr(verr, "not a directory in the app"), "dir on file: %s", verr);
  fd = volume_target(root, "/sys", 1, verr, sizeof verr);
  CHECK(fd < 0 && strstr(verr, "resolves to the app's root directory"), "sys -> / refused: %s", verr);
  /* magic -> /proc/self/root/etc, and the image's own /proc is a link out: all of it is resolved in the root */
  fd = volume_target(root, "/magic/x", 1, verr, sizeof verr);
  CHECK(fd >= 0 && exists("root/outside/self/root/etc/x"), "a /proc look-alike stays a path in the image: %s", verr);
  if (fd >= 0) close(fd);
  CHECK(!exists("outside-vol") && !exists("outside"), "still nothing outside the root");

  /* users and groups from the app's own files */
  mk("root/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n# comment\nbroken line\nalice:x:1000:1000:A:/home/alice:/bin/ash\n");
  mk("root/etc/group", "root:x:0:\nstaff:x:2000:alice\n");
  mk("root/owned", "");
  char p[600];
  snprintf(p, sizeof p, "%s/root/owned", tmpl);
  chown(p, 4242, 4343);
  struct ident id;
  char err[256];
  CHECK(resolve_ident(root, "alice", "staff", &id, err, sizeof err) == 0 && id.uid == 1000 && id.gid == 2000 &&
            id.has_pw && !strcmp(id.home, "/home/alice") && !strcmp(id.shell, "/bin/ash"),
        "names: %s", err);
  CHECK(resolve_ident(root, "1000", "5", &id, err, sizeof err) == 0 && id.uid == 1000 && id.gid == 5 && id.has_pw &&
            !strcmp(id.name, "alice"),
        "numbers, passwd entry found by uid");
  CHECK(resolve_ident(root, "77", "77", &id, err, sizeof err) == 0 && id.uid == 77 && !id.has_pw, "unknown number");
  CHECK(resolve_ident(root, "/owned", "/owned", &id, err, sizeof err) == 0 && id.uid == 4242 && id.gid == 4343,
        "/path owner");
  CHECK(resolve_ident(root, "mallory", "0", &id, err, sizeof err) < 0 && strstr(err, "mallory"), "unknown name");
  CHECK(resolve_ident(root, "0", "nogroup", &id, err, sizeof err) < 0 && strstr(err, "nogroup"), "unknown group");
  CHECK(resolve_ident(root, "-1", "0", &id, err, sizeof err) < 0, "negative is not a number");
  close(root);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
  if (system(cmd) != 0) printf("could not clean %s\n", tmpl);
}

/* ---- golden frames (src/test/resources/protocol/README.md) ---- */

static const char *g_golden;
static char g_work[] = "/tmp/s1x-golden.XXXXXX";
static char g_chanfile[600];

static uint8_t *slurp(const char *path, size_t *len) {
  static uint8_t data[1 << 16];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, data, sizeof data);
  if (fd >= 0) close(fd);
  *len = n > 0 ? (size_t)n : 0;
  return n >= 0 ? data : NULL;
}

/* From here on the guest's frames go to a fresh file, as they would to the control channel. */
static void capture(const char *name) {
  snprintf(g_chanfile, sizeof g_chanfile, "%s/%s", g_work, name);
  close(open(g_chanfile, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
  CHECK(chan_reopen(g_chanfile) == 0, "channel %s: %s", g_chanfile, strerror(errno));
}

/* What the guest wrote since capture() must be the golden file, byte for byte. */
static void expect_golden(const char *name) {
  char path[600];
  size_t n, m;
  uint8_t got[1 << 16];
  const uint8_t *written = slurp(g_chanfile, &n);
  if (written) memcpy(got, written, n);
  snprintf(path, sizeof path, "%s/%s", g_golden, name);
  const char *update = getenv("S1X_GOLDEN_UPDATE");
  if (update && !strcmp(update, "1")) {
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(got, 1, n, fp) != n || fclose(fp)) printf("cannot write %s\n", path);
  }
  uint8_t *want = slurp(path, &m);
  size_t at = 0;
  while (want && at < n && at < m && got[at] == want[at]) at++;
  CHECK(want && n == m && at == n, "%s: the guest wrote %zu bytes, the golden file has %zu; they differ from byte %zu",
        name, n, m, at);
}

/* The guest's encoders write the guest -> host frames. */
static void test_golden_guest_frames(void) {
  capture("hello");
  send_hello("kernel=6.1.0-28-amd64 guest=xen-pvh transport=xen mem_total_kb=100000 mem_available_kb=80000"
             " uptime_ms=412");
  expect_golden("hello.bin");
  capture("started");
  send_u32(F_STARTED, 1, 4242);
  expect_golden("started.bin");
  capture("ready");
  send_frame(F_READY, 0, NULL, 0);
  expect_golden("ready.bin");

  /* output as the init relays it: read from the process's pipe after it exited */
  static const char out[] = "out: \"quoted\" $HOME \xff\n", err[] = "err\n";
  struct child c;
  int po[2], pe[2];
  CHECK(pipe(po) == 0 && pipe(pe) == 0, "pipes");
  CHECK(write(po[1], out, strlen(out)) == (ssize_t)strlen(out) && write(pe[1], err, strlen(err)) == (ssize_t)strlen(err),
        "writing to the pipes");
  close(po[1]);
  close(pe[1]);
  capture("stdout");
  child_init(&c, 1);
  c.out_fd = po[0];
  child_drain(&c);
  expect_golden("stdout.bin");
  capture("stderr");
  child_init(&c, CHANNEL_FIRST_EXEC_SESSION);
  c.err_fd = pe[0];
  child_drain(&c);
  expect_golden("stderr.bin");

  capture("log");
  logmsg(LOG_INFO, 1, "shutdown requested (%s)", "SHUTDOWN frame");
  expect_golden("log.bin");
  capture("exited");
  send_u32(F_EXITED, 1, 143);
  expect_golden("exited.bin");
  capture("removed");
  send_frame(F_REMOVED, CHANNEL_FIRST_ADDED_SESSION, NULL, 0);
  expect_golden("removed.bin");
  capture("poweroff");
  uint8_t reason = OFF_APP_FAILED;
  send_frame(F_POWEROFF, 0, &reason, 1);
  expect_golden("poweroff.bin");
}

/* The guest's channel reader and decoders read the host -> guest frames, as one stream in this order. */
static void test_golden_host_frames(void) {
  static const char *const files[] = {"nop.bin",      "plan.bin",     "exec.bin",   "stdin.bin",
                                      "stdin-eof.bin", "signal.bin",  "winsize.bin", "app-start.bin",
                                      "app-stop.bin",  "app-rm.bin",  "shutdown.bin", "poweroff-ack.bin"};
  static const uint8_t types[] = {F_NOP,       F_PLAN,     F_EXEC,   F_STDIN,    F_STDIN,    F_SIGNAL,
                                  F_WINSIZE, F_APP_START, F_APP_STOP, F_APP_RM, F_SHUTDOWN, F_POWEROFF_ACK};
  static const uint32_t sessions[] = {0, 0, CHANNEL_FIRST_EXEC_SESSION, 1, 1, CHANNEL_FIRST_EXEC_SESSION,
                                      CHANNEL_FIRST_EXEC_SESSION, CHANNEL_FIRST_ADDED_SESSION,
                                      CHANNEL_FIRST_ADDED_SESSION, CHANNEL_FIRST_ADDED_SESSION, 0, 0};
  capture("from-host");
  FILE *fp = fopen(g_chanfile, "wb");
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char path[600];
    size_t n;
    snprintf(path, sizeof path, "%s/%s", g_golden, files[i]);
    uint8_t *b = slurp(path, &n);
    CHECK(b && n >= FRAME_HEADER_BYTES, "%s is missing or shorter than a frame header", path);
    if (b) fwrite(b, 1, n, fp);
  }
  fclose(fp);
  chan_read();

  uint8_t type;
  uint32_t session, len;
  const uint8_t *p;
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    if (!chan_next(&type, &session, &p, &len)) {
      CHECK(0, "%s: no frame", files[i]);
      return;
    }
    CHECK(type == types[i] && session == sessions[i], "%s: type 0x%02x session %u", files[i], type, session);
  }
  CHECK(!chan_next(&type, &session, &p, &len), "nothing after poweroff-ack.bin");
}

/* The payloads of plan.bin and exec.bin: every field, as the host meant it (GoldenFramesTest.plan()). */
static const uint8_t *golden_payload(const char *name, uint32_t *len) {
  char path[600];
  size_t n;
  snprintf(path, sizeof path, "%s/%s", g_golden, name);
  uint8_t *b = slurp(path, &n);
  if (!b || n < FRAME_HEADER_BYTES || be32(b + 5) != n - FRAME_HEADER_BYTES) {
    CHECK(0, "%s is not one frame", name);
    *len = 0;
    return b;
  }
  *len = be32(b + 5);
  return b + FRAME_HEADER_BYTES;
}

static void test_golden_plan(void) {
  struct plan pl;
  char err[256] = "";
  uint32_t len;
  const uint8_t *p = golden_payload("plan.bin", &len);
  int decoded = plan_decode(p, len, &pl, err, sizeof err) == 0;
  CHECK(decoded && pl.nnets == 1 && pl.napps == 1, "plan.bin: one interface, one app: %s", err);
  if (!decoded || pl.nnets != 1 || pl.napps != 1) return;
  CHECK(pl.version == PLAN_VERSION && !strcmp(pl.hostname, "golden-pod") &&
            pl.hosts && !strcmp(pl.hosts, "127.0.0.1 localhost golden-pod\n") && pl.resolv &&
            !strcmp(pl.resolv, "nameserver 10.1.0.1\n") &&
            pl.debug && pl.grace_ms == 1234 && !pl.mutable_pod,
        "plan.bin: pod fields");
  CHECK(pl.nshares == 2 && !strcmp(pl.shares[0].tag, "app0") && !strcmp(pl.shares[0].path, "/s1x/app0") &&
            !pl.shares[0].ro && !strcmp(pl.shares[1].tag, "vol0") && pl.shares[1].ro,
        "plan.bin: shares");
  struct netspec *n = &pl.nets[0];
  CHECK(!strcmp(n->name, "eth0") && !strcmp(n->mac, "02:ab:cd:ef:01:23") &&
            !strcmp(n->address, "172.16.28.5/24") && n->mtu == 1400 && !n->prefix_route && n->nroutes == 2 &&
            !strcmp(n->routes[0].dst, "172.16.28.1/32") && !n->routes[0].via &&
            !strcmp(n->routes[1].dst, "0.0.0.0/0") && n->routes[1].via && !strcmp(n->routes[1].via, "172.16.28.1"),
        "plan.bin: interface");
  struct appspec *a = &pl.apps[0];
  CHECK(!strcmp(a->name, "web") && !strcmp(a->root, "/s1x/app0/rootfs") && a->argv.n == 3 &&
            !strcmp(a->argv.v[2], "echo \"$X\" 'a  b'\nnext") && a->env.n == 2 &&
            !strcmp(a->env.v[1], "X=\xc3\xbcn\xc3\xaf \xe2\x82\xac") && !strcmp(a->user, "alice") &&
            !strcmp(a->group, "staff") && a->nsupp == 2 && a->supp[1] == 4000000000u && !strcmp(a->workdir, "/srv") &&
            a->readonly && a->nprestart == 1 && a->npoststop == 1 && !strcmp(a->poststop[0].v[0], "/bin/echo") &&
            a->want_stdin && a->tty && a->has_oom && a->oom == -500,
        "plan.bin: app fields");
  CHECK(a->nmounts == 1 && !strcmp(a->mounts[0].source, "/s1x/vol0") && !strcmp(a->mounts[0].target, "/data") &&
            a->mounts[0].ro,
        "plan.bin: mount");

  struct execreq x;
  p = golden_payload("exec.bin", &len);
  decoded = execreq_decode(p, len, &x, err, sizeof err) == 0;
  CHECK(decoded, "exec.bin: %s", err);
  CHECK(decoded && !strcmp(x.app, "web") && x.argv.n == 3 && !strcmp(x.argv.v[2], "echo \"$1\"") && x.env.n == 1 &&
            !strcmp(x.env.v[0], "TERM=xterm") && x.tty && x.rows == 40 && x.cols == 132,
        "exec.bin: fields");
  execreq_free(&x);

  /* APP_START: the app's fields, read by the plan's own APP decoder (GoldenFramesTest.added()) */
  struct appspec added;
  p = golden_payload("app-start.bin", &len);
  decoded = appspec_decode(p, len, &added, err, sizeof err) == 0;
  CHECK(decoded, "app-start.bin: %s", err);
  CHECK(decoded && !strcmp(added.name, "added") && !strcmp(added.root, "/s1x/share/stage2/added") &&
            added.argv.n == 2 && !strcmp(added.argv.v[1], "1000") && added.env.n == 2 &&
            !strcmp(added.env.v[1], "AC_APP_NAME=added") && !strcmp(added.user, "0") && !strcmp(added.workdir, "/") &&
            !added.readonly && !added.tty && added.nmounts == 0,
        "app-start.bin: fields");
  appspec_free(&added);
  golden_payload("app-rm.bin", &len);
  CHECK(len == 0, "app-rm.bin: empty");

  uint32_t grace;
  int signo;
  uint16_t rows, cols;
  p = golden_payload("shutdown.bin", &len);
  CHECK(shutdown_decode(p, len, &grace) == 0 && grace == 1234, "shutdown.bin: grace");
  p = golden_payload("app-stop.bin", &len);
  CHECK(shutdown_decode(p, len, &grace) == 0 && grace == 1234, "app-stop.bin: grace, as SHUTDOWN's");
  p = golden_payload("signal.bin", &len);
  CHECK(signal_decode(p, len, &signo) == 0 && signo == 15, "signal.bin: SIGTERM");
  p = golden_payload("winsize.bin", &len);
  CHECK(winsize_decode(p, len, &rows, &cols) == 0 && rows == 40 && cols == 132, "winsize.bin: 40x132");
  p = golden_payload("stdin.bin", &len);
  CHECK(len == 9 && !memcmp(p, "line one\n", 9), "stdin.bin: one line");
  golden_payload("stdin-eof.bin", &len);
  CHECK(len == 0, "stdin-eof.bin: empty, the end of input");
}

int main(int argc, char **argv) {
  test_plan();
  test_app_start_payload();
  test_net_plan();
  test_safepath();
  if (argc > 1) {
    g_golden = argv[1];
    if (!mkdtemp(g_work)) {
      perror("mkdtemp");
      return 1;
    }
    test_golden_guest_frames();
    test_golden_host_frames();
    test_golden_plan();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_work);
    if (system(cmd) != 0) printf("could not clean %s\n", g_work);
  } else {
    CHECK(0, "no golden frames directory given (src/test/resources/protocol)");
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
