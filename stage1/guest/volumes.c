/* Volumes inside an app's root view: each MOUNT of the plan binds a path of a volume share (mounted by PID 1 at
 * boot) onto a path of the app. The target is resolved inside the app's root like every other path (safepath.c):
 * a symlink in the image can never point the mount outside the root. The bind is made with the new mount API, so
 * that a read-only mount is read-only before it becomes visible and nothing is resolved twice. The host enforces
 * read-only shares anyway (a read-only bind mount in dom0); the flag here is defence in depth. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "s1x.h"

/* From linux/mount.h and linux/fcntl.h, which older C libraries do not have and newer ones clash with. */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#define S1X_OPEN_TREE_CLONE 1
#define S1X_AT_RECURSIVE 0x8000
#define S1X_MOVE_MOUNT_F_EMPTY_PATH 0x04
#define S1X_MOVE_MOUNT_T_EMPTY_PATH 0x40
#define S1X_MOUNT_ATTR_RDONLY 0x1

struct s1x_mount_attr {
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};

int volume_target(int rootfd, const char *target, int dir, char *err, size_t errlen) {
  int fd = dir ? in_root_mkdirs(rootfd, target, 0755) : in_root_file(rootfd, target);
  if (fd < 0) {
    if (errno == ENOTDIR && dir)
      snprintf(err, errlen, "volume target %s: not a directory in the app, but the volume is one", target);
    else
      snprintf(err, errlen, "volume target %s: %s", target, strerror(errno));
    return -1;
  }
  struct stat st, root;
  if (fstat(fd, &st) < 0 || fstat(rootfd, &root) < 0) {
    snprintf(err, errlen, "volume target %s: %s", target, strerror(errno));
    close(fd);
    return -1;
  }
  if (st.st_dev == root.st_dev && st.st_ino == root.st_ino) {
    snprintf(err, errlen, "volume target %s: resolves to the app's root directory", target);
    close(fd);
    return -1;
  }
  if (!dir && S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "volume target %s: a directory in the app, but the volume is a single file", target);
    close(fd);
    return -1;
  }
  return fd;
}

int bind_volume(const char *source, int target_fd, int ro) {
  int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source, S1X_OPEN_TREE_CLONE | O_CLOEXEC | S1X_AT_RECURSIVE);
  if (tree < 0) return -1;
  struct s1x_mount_attr attr = {.attr_set = S1X_MOUNT_ATTR_RDONLY};
  int r = 0;
  if (ro) r = (int)syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | S1X_AT_RECURSIVE, &attr, sizeof attr);
  if (r == 0)
    r = (int)syscall(SYS_move_mount, tree, "", target_fd, "", S1X_MOVE_MOUNT_F_EMPTY_PATH | S1X_MOVE_MOUNT_T_EMPTY_PATH);
  int e = errno;
  close(tree);
  errno = e;
  return r;
}

int app_mount(int rootfd, const struct mountspec *m, char *err, size_t errlen) {
  struct stat st;
  if (stat(m->source, &st) < 0) {
    snprintf(err, errlen, "volume source %s: %s", m->source, strerror(errno));
    return -1;
  }
  int fd = volume_target(rootfd, m->target, S_ISDIR(st.st_mode), err, errlen);
  if (fd < 0) return -1;
  int r = bind_volume(m->source, fd, m->ro);
  if (r < 0) snprintf(err, errlen, "volume %s on %s: %s", m->source, m->target, strerror(errno));
  else DBG("volume %s on %s%s", m->source, m->target, m->ro ? " (read-only)" : "");
  close(fd);
  return r;
}
