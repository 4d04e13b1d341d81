/* Loads the kernel modules named in a list file, one path per line relative to the list's directory, in the
 * order given (build-guest.sh writes them in dependency order, so no modprobe is needed). A kernel with every
 * driver built in (the one build-guest.sh builds by default) comes with no list: there is nothing to load. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "s1x.h"

void modules_load(const char *listfile) {
  FILE *f = fopen(listfile, "re");
  char line[512], dir[256], path[1024];
  if (!f) {
    if (errno == ENOENT)
      DBG("no module list %s: the kernel has its drivers built in", listfile);
    else
      logmsg(LOG_WARNING, 0, "module list %s: %s", listfile, strerror(errno));
    return;
  }
  snprintf(dir, sizeof dir, "%s", listfile);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    if (!line[0] || line[0] == '#') continue;
    snprintf(path, sizeof path, "%s/%s", dir, line);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      logmsg(LOG_WARNING, 0, "module %s: %s", path, strerror(errno));
      continue;
    }
    if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)
      logmsg(LOG_WARNING, 0, "loading module %s: %s", line, strerror(errno));
    else
      DBG("module %s loaded", line);
    close(fd);
  }
  fclose(f);
}
