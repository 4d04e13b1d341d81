/* One app: its root view (prepared once, in PID 1's mount namespace, so that enter sessions and event handlers
 * see exactly what the app sees) and the processes started in it. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "s1x.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC 4
#endif

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

void child_init(struct child *c, uint32_t session) {
  memset(c, 0, sizeof *c);
  c->session = session;
  c->out_fd = c->err_fd = c->in_fd = -1;
}

int child_io_open(const struct child *c) { return c->out_fd >= 0 || c->err_fd >= 0; }

/* Reads what one output descriptor has (bounded per call, for fairness) and relays it as frames. */
static int pump(struct child *c, int *fdp, uint8_t type, int limit) {
  uint8_t data[FRAME_MAX_DATA];
  for (int i = 0; (limit == 0 || i < limit) && *fdp >= 0; i++) {
    ssize_t n = read(*fdp, data, sizeof data);
    if (n > 0) {
      send_frame(type, c->session, data, (size_t)n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return 0;
    /* EOF, or EIO from a pty master once every slave descriptor is closed */
    if (c->in_fd == *fdp) c->in_fd = -1; /* a pty master is stdin too */
    close(*fdp);
    *fdp = -1;
  }
  return 0;
}

void child_pump_output(struct child *c, int fd) {
  if (fd == c->out_fd) pump(c, &c->out_fd, F_STDOUT, 4);
  else if (fd == c->err_fd) pump(c, &c->err_fd, F_STDERR, 4);
}

/* After the process exited everything it wrote is already in the pipe: read it all before EXITED. */
void child_drain(struct child *c) {
  pump(c, &c->out_fd, F_STDOUT, 0);
  pump(c, &c->err_fd, F_STDERR, 0);
}

void child_close_io(struct child *c) {
  if (c->out_fd >= 0) close(c->out_fd);
  if (c->err_fd >= 0) close(c->err_fd);
  if (c->in_fd >= 0 && c->in_fd != c->out_fd) close(c->in_fd);
  c->out_fd = c->err_fd = c->in_fd = -1;
  buf_free(&c->inq);
}

void child_flush_stdin(struct child *c) {
  while (c->in_fd >= 0 && c->inq.len) {
    ssize_t n = write(c->in_fd, c->inq.p, c->inq.len);
    if (n > 0) {
      buf_drop(&c->inq, (size_t)n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    /* the reader is gone: what is left can never be delivered */
    buf_free(&c->inq);
    if (!c->tty) {
      close(c->in_fd);
      c->in_fd = -1;
    }
    return;
  }
  if (c->in_fd >= 0 && c->in_eof && !c->tty) {
    close(c->in_fd);
    c->in_fd = -1;
  }
}

void child_write_stdin(struct child *c, const uint8_t *p, size_t n) {
  if (c->in_fd < 0) return;
  if (n == 0) {
    if (c->tty) {
      /* a terminal has no end of file: send its EOF character, as a person pressing it would */
      struct termios t;
      uint8_t eof = 4;
      if (tcgetattr(c->in_fd, &t) == 0) eof = t.c_cc[VEOF];
      buf_add(&c->inq, &eof, 1);
    } else {
      c->in_eof = 1;
    }
  } else {
    buf_add(&c->inq, p, n);
  }
  child_flush_stdin(c);
}

/* ---- the child side of a spawn: never returns ---- */

static void die(int code, const char *what, const char *arg) {
  dprintf(2, "stage1-xen: %s%s%s: %s\n", what, arg ? " " : "", arg ? arg : "", strerror(errno));
  _exit(code);
}

static void exec_lookup(char **argv, char **envp) {
  const char *file = argv[0];
  if (!file[0]) {
    errno = ENOENT;
    die(127, "exec", "(empty program name)");
  }
  if (strchr(file, '/')) {
    execve(file, argv, envp);
    die(errno == ENOENT || errno == ENOTDIR ? 127 : 126, "exec", file);
  }
  /* appc: a program without '/' is looked up in the PATH of the app's own environment, inside its root */
  const char *path = DEFAULT_PATH;
  for (char **e = envp; *e; e++)
    if (!strncmp(*e, "PATH=", 5)) path = *e + 5;
  int denied = 0, other = 0;
  const char *p = path;
  for (;;) {
    const char *colon = strchr(p, ':');
    size_t dl = colon ? (size_t)(colon - p) : strlen(p);
    char full[4096];
    if ((size_t)snprintf(full, sizeof full, "%.*s/%s", (int)(dl ? dl : 1), dl ? p : ".", file) < sizeof full) {
      execve(full, argv, envp);
      if (errno == EACCES) denied = 1;
      else if (errno != ENOENT && errno != ENOTDIR) other = errno;
    }
    if (!colon) break;
    p = colon + 1;
  }
  if (other) {
    errno = other;
    die(126, "exec", file);
  }
  if (denied) {
    errno = EACCES;
    die(126, "exec", file);
  }
  dprintf(2, "stage1-xen: exec %s: not found in PATH=%s\n", file, path);
  _exit(127);
}

static void child_main(const struct spawn *s, int in, int out, int err, int tty) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
  setsid();
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(125);
  if (tty && ioctl(0, TIOCSCTTY, 0) < 0) die(125, "controlling terminal", NULL);
  syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_CLOEXEC);
  /* A mount namespace of its own: what the app mounts stays with it. The root is a chroot into the prepared
   * view (pivot_root is not possible from an initramfs root). */
  if (unshare(CLONE_NEWNS) < 0) die(125, "unshare", NULL);
  mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
  if (chdir(s->view) < 0 || chroot(".") < 0 || chdir("/") < 0) die(125, "chroot", s->view);
  if (s->oom_set) {
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      dprintf(fd, "%d", s->oom);
      close(fd);
    }
  }
  if (chdir(s->workdir) < 0) die(125, "working directory", s->workdir);
  if (setgroups(s->nsupp, s->supp) < 0) die(125, "setgroups", NULL);
  if (setgid(s->id->gid) < 0) die(125, "setgid", NULL);
  if (setuid(s->id->uid) < 0) die(125, "setuid", NULL);
  exec_lookup(s->argv, s->envp);
}

static int nonblock(int fd) { return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

pid_t spawn_in_view(const struct spawn *s, struct child *c) {
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, master = -1, slave = -1;
  char path[256];
  const char *ptsdir = s->ptsdir;
  if (ptsdir) {
    snprintf(path, sizeof path, "%s/ptmx", ptsdir);
    int unlock = 0, n;
    if ((master = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
        ioctl(master, TIOCGPTN, &n) < 0)
      goto fail;
    snprintf(path, sizeof path, "%s/%d", ptsdir, n);
    if ((slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) goto fail;
    struct winsize ws = {.ws_row = s->rows ? s->rows : 24, .ws_col = s->cols ? s->cols : 80};
    ioctl(master, TIOCSWINSZ, &ws);
  } else {
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) goto fail;
    if (s->want_stdin ? pipe2(in, O_CLOEXEC) < 0 : (in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) goto fail;
  }
  pid_t pid = fork();
  if (pid < 0) goto fail;
  if (pid == 0) {
    if (ptsdir) child_main(s, slave, slave, slave, 1);
    child_main(s, in[0], out[1], err[1], 0);
  }
  c->pid = pid;
  c->reaped = 0;
  c->tty = ptsdir != NULL;
  if (ptsdir) {
    close(slave);
    nonblock(master);
    c->out_fd = master;
    c->in_fd = master;
  } else {
    close(out[1]);
    close(err[1]);
    close(in[0]);
    nonblock(out[0]);
    nonblock(err[0]);
    c->out_fd = out[0];
    c->err_fd = err[0];
    if (in[1] >= 0) {
      nonblock(in[1]);
      c->in_fd = in[1];
    }
  }
  return pid;
fail: {
    int e = errno;
    int fds[] = {in[0], in[1], out[0], out[1], err[0], err[1], master, slave};
    for (size_t i = 0; i < sizeof fds / sizeof *fds; i++)
      if (fds[i] >= 0) close(fds[i]);
    errno = e;
    return -1;
  }
}

/* ---- preparing the root view ---- */

static int write_file(const char *path, const char *content) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  size_t len = strlen(content), off = 0;
  while (off < len) {
    ssize_t n = write(fd, content + off, len - off);
    if (n <= 0) {
      close(fd);
      return -1;
    }
    off += (size_t)n;
  }
  return close(fd);
}

/* Binds a guest file over the app's file that fd (O_PATH, resolved in the app's root) names. */
static int bind_file_over(const char *src, int fd, const char *target, char *err, size_t errlen) {
  int r = mount_on_fd(src, fd, NULL, MS_BIND, NULL);
  if (r < 0) snprintf(err, errlen, "bind %s: %s", target, strerror(errno));
  return r;
}

/* A small /dev of its own on fd (the app's dev directory): the guest's devtmpfs would hand the app the control
 * channel. */
static int make_dev(int rootfd, int fd, char *err, size_t errlen) {
  static const struct { const char *name; unsigned maj, min; } nodes[] = {
      {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
  static const struct { const char *name, *target; } links[] = {
      {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
      {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"}, {"core", "/proc/kcore"}};
  if (mount_on_fd("tmpfs", fd, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k,nr_inodes=64") < 0) {
    snprintf(err, errlen, "/dev: %s", strerror(errno));
    return -1;
  }
  /* fd names the directory under the new mount: the tmpfs is reached by resolving the path again */
  int dev = in_root_open(rootfd, "dev", O_PATH | O_DIRECTORY, 0);
  if (dev < 0) goto fail;
  for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++)
    if (mknodat(dev, nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0) goto fail;
  for (size_t i = 0; i < sizeof links / sizeof *links; i++)
    if (symlinkat(links[i].target, dev, links[i].name) < 0) goto fail;
  if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0)
    goto fail;
  int pts = openat(dev, "pts", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int shm = openat(dev, "shm", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int ok = pts >= 0 && shm >= 0 &&
           mount_on_fd("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") == 0 &&
           mount_on_fd("shm", shm, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") == 0;
  if (pts >= 0) close(pts);
  if (shm >= 0) close(shm);
  close(dev);
  if (!ok) {
    snprintf(err, errlen, "/dev/pts or /dev/shm: %s", strerror(errno));
    return -1;
  }
  return 0;
fail:
  snprintf(err, errlen, "populating /dev: %s", strerror(errno));
  if (dev >= 0) close(dev);
  return -1;
}

static int mount_on(int fd, const char *target, const char *src, const char *type, unsigned long flags,
                    char *err, size_t errlen) {
  if (mount_on_fd(src, fd, type, flags, NULL) == 0) return 0;
  snprintf(err, errlen, "mount %s on %s: %s", type, target, strerror(errno));
  return -1;
}

static void close_all(const int *fds, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0) close(fds[i]);
}

static void env_default(struct strv *env, const char *name, const char *value) {
  if (strv_get_env(env, name)) return;
  char *s;
  if (asprintf(&s, "%s=%s", name, value) < 0) abort();
  strv_add(env, s);
}

int app_prepare(struct app *a, struct plan *pl, uint32_t session, char *err, size_t errlen) {
  struct appspec *s = a->spec;
  char path[128];
  int rootfd = -1;
  int fds[5] = {-1, -1, -1, -1, -1}; /* what is mounted on: proc, sys, dev, etc/hosts, etc/resolv.conf */
  a->session = session;
  child_init(&a->main, a->session);
  child_init(&a->handler, a->session);
  snprintf(a->view, sizeof a->view, "/run/s1x/app%u", session - 1);
  if (mkdir(a->view, 0755) < 0 && errno != EEXIST) goto syserr;
  struct stat st;
  errno = 0;
  if (stat(s->root, &st) < 0 || !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "root %s: %s", s->root, errno ? strerror(errno) : "not a directory");
    return -1;
  }
  if (mount(s->root, a->view, NULL, MS_BIND | MS_REC, NULL) < 0) goto syserr;
  rootfd = open(a->view, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) goto syserr;
  if (resolve_ident(rootfd, s->user, s->group, &a->id, err, errlen) < 0) goto out;
  int wd = in_root_open(rootfd, s->workdir, O_PATH | O_DIRECTORY, 0);
  if (wd < 0) {
    snprintf(err, errlen, "working directory %s: %s", s->workdir, strerror(errno));
    goto out;
  }
  close(wd);
  /* Mount points that must exist in the image are made first (the read-only remount comes last), and each is
   * resolved once: on a 9p share every lookup is a round trip to dom0, so what gets mounted on is the descriptor
   * resolved here. dom0 makes them in the root before the VM starts, so usually they are only found. */
  static const char *const dirs[] = {"proc", "sys", "dev"};
  for (size_t i = 0; i < 3; i++) {
    if ((fds[i] = in_root_mkdirs(rootfd, dirs[i], 0755)) < 0) {
      snprintf(err, errlen, "/%s in the app's root: %s", dirs[i], strerror(errno));
      goto out;
    }
  }
  if (pl->hosts && (fds[3] = in_root_file(rootfd, "etc/hosts")) < 0) {
    snprintf(err, errlen, "/etc/hosts in the app's root: %s", strerror(errno));
    goto out;
  }
  if (pl->resolv && (fds[4] = in_root_file(rootfd, "etc/resolv.conf")) < 0) {
    snprintf(err, errlen, "/etc/resolv.conf in the app's root: %s", strerror(errno));
    goto out;
  }
  if (mount_on(fds[0], "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, err, errlen) < 0 ||
      mount_on(fds[1], "sys", "sysfs", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, err, errlen) < 0 ||
      make_dev(rootfd, fds[2], err, errlen) < 0)
    goto out;
  /* each app gets its own copy, so an app editing its /etc/hosts does not change another's */
  if (pl->hosts) {
    snprintf(path, sizeof path, "%s.hosts", a->view);
    if (write_file(path, pl->hosts) < 0 || bind_file_over(path, fds[3], "etc/hosts", err, errlen) < 0) goto out;
  }
  if (pl->resolv) {
    snprintf(path, sizeof path, "%s.resolv", a->view);
    if (write_file(path, pl->resolv) < 0 || bind_file_over(path, fds[4], "etc/resolv.conf", err, errlen) < 0)
      goto out;
  }
  /* volumes after /dev and friends (a volume may go below them), before the read-only remount (a missing target
   * must still be creatable); the host sent them parents first */
  for (size_t i = 0; i < s->nmounts; i++)
    if (app_mount(rootfd, &s->mounts[i], err, errlen) < 0) goto out;
  /* the view's own mount only: proc, sys, dev and the volumes keep their flags */
  if (s->readonly && mount(NULL, a->view, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0) {
    snprintf(err, errlen, "read-only root: %s", strerror(errno));
    goto out;
  }
  /* the environment: the host's final list, plus what the executor spec requires when it is missing */
  struct strv env = {0};
  for (size_t i = 0; i < s->env.n; i++) strv_add(&env, strdup(s->env.v[i]));
  env_default(&env, "PATH", DEFAULT_PATH);
  env_default(&env, "AC_APP_NAME", s->name);
  if (a->id.has_pw) {
    env_default(&env, "HOME", a->id.home[0] ? a->id.home : "/");
    env_default(&env, "USER", a->id.name);
    env_default(&env, "LOGNAME", a->id.name);
    if (a->id.shell[0]) env_default(&env, "SHELL", a->id.shell);
  } else {
    env_default(&env, "HOME", "/");
  }
  a->envp = env.v;
  close_all(fds, 5);
  close(rootfd);
  a->state = A_PREPARED;
  return 0;
syserr:
  snprintf(err, errlen, "%s: %s", a->view, strerror(errno));
out:
  close_all(fds, 5);
  if (rootfd >= 0) close(rootfd);
  return -1;
}

static pid_t start(struct app *a, struct child *c, char **argv, int main_proc) {
  char pts[96];
  struct appspec *s = a->spec;
  snprintf(pts, sizeof pts, "%s/dev/pts", a->view);
  child_close_io(c);
  child_init(c, a->session);
  struct spawn sp = {.view = a->view, .argv = argv, .envp = a->envp, .id = &a->id, .workdir = s->workdir,
                     .supp = s->supp, .nsupp = s->nsupp, .oom_set = s->has_oom, .oom = s->oom,
                     .want_stdin = main_proc && s->want_stdin, .ptsdir = main_proc && s->tty ? pts : NULL};
  return spawn_in_view(&sp, c);
}

int app_start_main(struct app *a) {
  if (start(a, &a->main, a->spec->argv.v, 1) < 0) return -1;
  a->started = 1;
  return 0;
}

int app_start_handler(struct app *a, const struct strv *argv) { return start(a, &a->handler, argv->v, 0) < 0 ? -1 : 0; }

void app_release(struct app *a) {
  char path[96];
  /* the view and everything mounted in it (proc, sys, dev, volumes, hosts files): one detach */
  if (umount2(a->view, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
    logmsg(LOG_WARNING, a->session, "unmounting %s: %s", a->view, strerror(errno));
  rmdir(a->view);
  snprintf(path, sizeof path, "%s.hosts", a->view);
  unlink(path);
  snprintf(path, sizeof path, "%s.resolv", a->view);
  unlink(path);
  for (char **e = a->envp; e && *e; e++) free(*e);
  free(a->envp);
  a->envp = NULL;
}
