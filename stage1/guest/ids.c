/* user and group of an app, resolved as the appc executor spec says: a name through the app's OWN
 * /etc/passwd and /etc/group, else a number, else "/path" meaning the owner of that file in the image. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "s1x.h"

static char *slurp(int rootfd, const char *path) {
  int fd = in_root_open(rootfd, path, O_RDONLY, 0);
  if (fd < 0) return NULL;
  size_t cap = 8192, len = 0;
  char *s = malloc(cap + 1);
  for (;;) {
    if (len == cap) {
      if (cap >= (4u << 20)) break;
      cap *= 2;
      s = realloc(s, cap + 1);
    }
    ssize_t n = read(fd, s + len, cap - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += (size_t)n;
  }
  close(fd);
  s[len] = 0;
  return s;
}

static int numeric(const char *s, unsigned long *out) {
  char *end;
  if (!*s || *s == '-' || *s == '+') return 0;
  errno = 0;
  *out = strtoul(s, &end, 10);
  return !errno && !*end && *out < 0xFFFFFFFFul;
}

/* Splits one colon-separated line in place into at most max fields; returns the count. */
static int fields(char *line, char **f, int max) {
  int n = 0;
  f[n++] = line;
  for (char *p = line; *p && n < max; p++)
    if (*p == ':') {
      *p = 0;
      f[n++] = p + 1;
    }
  return n;
}

/* Finds the passwd line whose name (by_name) or uid matches; fills id. */
static int passwd_lookup(const char *text, const char *name, unsigned long uid, int by_name, struct ident *id) {
  const char *line = text;
  while (line && *line) {
    const char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    char buf[4096], *f[7];
    if (len < sizeof buf) {
      memcpy(buf, line, len);
      buf[len] = 0;
      unsigned long u, g;
      if (buf[0] != '#' && fields(buf, f, 7) == 7 && numeric(f[2], &u) && numeric(f[3], &g) &&
          (by_name ? !strcmp(f[0], name) : u == uid)) {
        id->uid = (uid_t)u;
        id->gid = (gid_t)g;
        id->has_pw = 1;
        snprintf(id->name, sizeof id->name, "%s", f[0]);
        snprintf(id->home, sizeof id->home, "%s", f[5]);
        snprintf(id->shell, sizeof id->shell, "%s", f[6]);
        return 1;
      }
    }
    line = nl ? nl + 1 : NULL;
  }
  return 0;
}

static int group_lookup(const char *text, const char *name, gid_t *gid) {
  const char *line = text;
  while (line && *line) {
    const char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    char buf[65536], *f[4];
    if (len < sizeof buf) {
      memcpy(buf, line, len);
      buf[len] = 0;
      unsigned long g;
      if (buf[0] != '#' && fields(buf, f, 4) >= 3 && !strcmp(f[0], name) && numeric(f[2], &g)) {
        *gid = (gid_t)g;
        return 1;
      }
    }
    line = nl ? nl + 1 : NULL;
  }
  return 0;
}

static int owner_of(int rootfd, const char *path, struct stat *st) {
  int fd = in_root_open(rootfd, path, O_PATH, 0);
  if (fd < 0) return -1;
  int r = fstat(fd, st);
  close(fd);
  return r;
}

int resolve_ident(int rootfd, const char *user, const char *group, struct ident *id, char *err, size_t errlen) {
  unsigned long n;
  struct stat st;
  char *passwd = slurp(rootfd, "etc/passwd");
  int ok = 0;
  memset(id, 0, sizeof *id);
  if (passwd && user[0] != '/' && passwd_lookup(passwd, user, 0, 1, id)) {
    ok = 1;
  } else if (numeric(user, &n)) {
    id->uid = (uid_t)n;
    if (passwd) passwd_lookup(passwd, NULL, n, 0, id); /* only for HOME, USER, SHELL */
    ok = 1;
  } else if (user[0] == '/' && owner_of(rootfd, user, &st) == 0) {
    id->uid = st.st_uid;
    if (passwd) passwd_lookup(passwd, NULL, st.st_uid, 0, id);
    ok = 1;
  }
  free(passwd);
  if (!ok) {
    snprintf(err, errlen, "user '%s' is neither in the image's /etc/passwd nor a number nor an existing /path", user);
    return -1;
  }
  char *grp = slurp(rootfd, "etc/group");
  gid_t g;
  ok = 0;
  if (grp && group[0] != '/' && group_lookup(grp, group, &g)) {
    id->gid = g;
    ok = 1;
  } else if (numeric(group, &n)) {
    id->gid = (gid_t)n;
    ok = 1;
  } else if (group[0] == '/' && owner_of(rootfd, group, &st) == 0) {
    id->gid = st.st_gid;
    ok = 1;
  }
  free(grp);
  if (!ok) {
    snprintf(err, errlen, "group '%s' is neither in the image's /etc/group nor a number nor an existing /path", group);
    return -1;
  }
  return 0;
}
