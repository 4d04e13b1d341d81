/* Every access the init makes inside an app's root filesystem goes through here. The app's tree lives on the
 * host and an image can contain any symlink, so paths are resolved with openat2(RESOLVE_IN_ROOT): ".." and
 * absolute symlinks stop at the app's root, and nothing can point the init at the guest's own files. Mounts
 * are then made on the resolved descriptor through /proc/self/fd/N, never on a path that is walked again. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "s1x.h"

#define RESOLVE_FLAGS (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

static const char *rel(const char *path) {
  while (*path == '/') path++;
  return *path ? path : ".";
}

int in_root_open(int rootfd, const char *path, int flags, mode_t mode) {
  struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC), .mode = (flags & O_CREAT) ? mode : 0,
                         .resolve = RESOLVE_FLAGS};
  long fd;
  do fd = syscall(SYS_openat2, rootfd, rel(path), &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return (int)fd;
}

static int mkdirs_depth(int rootfd, const char *path, mode_t mode, int depth) {
  char prefix[PATH_MAX], target[PATH_MAX], joined[PATH_MAX * 2];
  const char *p = rel(path);
  size_t len = 0;
  int fd = in_root_open(rootfd, p, O_PATH | O_DIRECTORY, 0);
  if (fd >= 0 || errno != ENOENT) return fd;
  if (depth > 8) {
    errno = ELOOP;
    return -1;
  }
  /* walk down, creating what is missing; each parent is itself resolved inside the root */
  int parent = in_root_open(rootfd, ".", O_PATH | O_DIRECTORY, 0);
  while (*p && parent >= 0) {
    const char *slash = strchr(p, '/');
    size_t clen = slash ? (size_t)(slash - p) : strlen(p);
    if (len + clen + 2 >= sizeof prefix || clen > NAME_MAX) {
      close(parent);
      errno = ENAMETOOLONG;
      return -1;
    }
    size_t dirlen = len;
    if (len) prefix[len++] = '/';
    memcpy(prefix + len, p, clen);
    len += clen;
    prefix[len] = 0;
    char comp[NAME_MAX + 1];
    snprintf(comp, sizeof comp, "%.*s", (int)clen, p);
    int next = in_root_open(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
    if (next < 0 && errno == ENOENT && strcmp(comp, ".") && strcmp(comp, "..")) {
      ssize_t n = readlinkat(parent, comp, target, sizeof target - 1);
      if (n >= 0) {
        /* a dangling symlink (say proc -> ../outside): make its target, inside the root */
        target[n] = 0;
        if (target[0] == '/') snprintf(joined, sizeof joined, "%s", target);
        else snprintf(joined, sizeof joined, "%.*s/%s", (int)dirlen, prefix, target);
        int t = mkdirs_depth(rootfd, joined, mode, depth + 1);
        if (t >= 0) close(t);
      } else {
        mkdirat(parent, comp, mode);
      }
      next = in_root_open(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
    }
    close(parent);
    parent = next;
    p += clen;
    while (*p == '/') p++;
  }
  return parent;
}

int in_root_mkdirs(int rootfd, const char *path, mode_t mode) { return mkdirs_depth(rootfd, path, mode, 0); }

/* dirname/basename of a relative path, without touching the input */
static void split(const char *path, char *dir, size_t dlen, char *base, size_t blen) {
  const char *p = rel(path);
  const char *slash = strrchr(p, '/');
  if (slash) {
    snprintf(dir, dlen, "%.*s", (int)(slash - p), p);
    snprintf(base, blen, "%s", slash + 1);
  } else {
    snprintf(dir, dlen, ".");
    snprintf(base, blen, "%s", p);
  }
}

static int file_depth(int rootfd, const char *path, int depth) {
  char dir[PATH_MAX], base[NAME_MAX + 1], target[PATH_MAX], joined[PATH_MAX * 2];
  int fd = in_root_open(rootfd, path, O_PATH, 0);
  if (fd >= 0 || errno != ENOENT) return fd;
  if (depth > 8) {
    errno = ELOOP;
    return -1;
  }
  split(path, dir, sizeof dir, base, sizeof base);
  int dfd = in_root_mkdirs(rootfd, dir, 0755);
  if (dfd < 0) return -1;
  ssize_t n = readlinkat(dfd, base, target, sizeof target - 1);
  if (n >= 0) {
    /* a dangling symlink (say resolv.conf -> ../run/resolve/stub-resolv.conf): create its target, in the root */
    target[n] = 0;
    close(dfd);
    if (target[0] == '/') snprintf(joined, sizeof joined, "%s", target);
    else snprintf(joined, sizeof joined, "%s/%s", dir, target);
    return file_depth(rootfd, joined, depth + 1);
  }
  int w = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  close(dfd);
  if (w < 0 && errno != EEXIST) return -1;
  if (w >= 0) close(w);
  return in_root_open(rootfd, path, O_PATH, 0);
}

int in_root_file(int rootfd, const char *path) { return file_depth(rootfd, path, 0); }

char *fd_path(int fd, char *buf, size_t len) {
  snprintf(buf, len, "/proc/self/fd/%d", fd);
  return buf;
}

int mount_on_fd(const char *src, int fd, const char *type, unsigned long flags, const char *data) {
  char p[64];
  return mount(src, fd_path(fd, p, sizeof p), type, flags, data);
}
