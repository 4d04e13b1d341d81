/* enter: EXEC sessions. A command runs in an app's root view as the app runs: its user, groups, supplementary
 * groups, working directory and environment (plus the request's), on pipes or on a pty of the app's own devpts,
 * until it exits; then one EXITED. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s1x.h"

static struct child **g_sessions;
static size_t g_nsessions;

size_t session_count(void) { return g_nsessions; }
struct child *session_at(size_t i) { return g_sessions[i]; }

struct child *session_find(uint32_t id) {
  for (size_t i = 0; i < g_nsessions; i++)
    if (g_sessions[i]->session == id) return g_sessions[i];
  return NULL;
}

static void refuse(uint32_t id, int code, const char *fmt, const char *arg) {
  char msg[512];
  int n = snprintf(msg, sizeof msg, fmt, arg);
  if (n > (int)sizeof msg - 2) n = sizeof msg - 2;
  msg[n++] = '\n';
  send_frame(F_STDERR, id, msg, (size_t)n);
  send_u32(F_EXITED, id, (uint32_t)code);
}

/* the app's environment with the request's entries on top (a later entry replaces one of the same name) */
static char **merged_env(char **base, const struct strv *extra) {
  struct strv env = {0};
  for (char **e = base; e && *e; e++) strv_add(&env, strdup(*e));
  for (size_t i = 0; i < extra->n; i++) {
    const char *eq = strchr(extra->v[i], '=');
    size_t nl = (size_t)(eq - extra->v[i]);
    size_t j;
    for (j = 0; j < env.n; j++)
      if (!strncmp(env.v[j], extra->v[i], nl + 1)) break;
    if (j < env.n) {
      free(env.v[j]);
      env.v[j] = strdup(extra->v[i]);
    } else {
      strv_add(&env, strdup(extra->v[i]));
    }
  }
  return env.v;
}

void session_exec(uint32_t id, const uint8_t *p, size_t n) {
  struct execreq req;
  char err[256];
  if (id < CHANNEL_FIRST_EXEC_SESSION || session_find(id)) {
    logmsg(LOG_WARNING, 0, "EXEC with session id %u ignored: not a new exec session id", id);
    return;
  }
  if (execreq_decode(p, n, &req, err, sizeof err) < 0) {
    refuse(id, 125, "stage1-xen: invalid exec request: %s", err);
    return;
  }
  struct app *a = NULL;
  /* an added app's name is unique among those not removed (APP_START refuses a second), and envp is set only once
   * the app was prepared, so a removed or never-started app is never entered */
  for (size_t i = 0; i < pod_app_count(); i++) {
    struct app *x = pod_app_at(i);
    if (!x->removed && x->envp && !strcmp(x->spec->name, req.app)) a = x;
  }
  if (!a) {
    refuse(id, 125, "stage1-xen: no app named '%s' in this pod", req.app);
    execreq_free(&req);
    return;
  }
  struct child *c = calloc(1, sizeof *c);
  child_init(c, id);
  char **envp = merged_env(a->envp, &req.env);
  char pts[96];
  snprintf(pts, sizeof pts, "%s/dev/pts", a->view);
  const struct appspec *s = a->spec;
  struct spawn sp = {.view = a->view, .argv = req.argv.v, .envp = envp, .id = &a->id, .workdir = s->workdir,
                     .supp = s->supp, .nsupp = s->nsupp, .want_stdin = 1, .ptsdir = req.tty ? pts : NULL,
                     .rows = (uint16_t)req.rows, .cols = (uint16_t)req.cols};
  pid_t pid = spawn_in_view(&sp, c);
  for (char **e = envp; *e; e++) free(*e);
  free(envp);
  if (pid < 0) {
    refuse(id, 125, "stage1-xen: cannot start the command: %s", strerror(errno));
    free(c);
  } else {
    DBG("exec session %u: pid %d in app %s", id, pid, req.app);
    g_sessions = realloc(g_sessions, (g_nsessions + 1) * sizeof *g_sessions);
    g_sessions[g_nsessions++] = c;
  }
  execreq_free(&req);
}

void session_reaped(struct child *c) {
  child_drain(c);
  send_u32(F_EXITED, c->session, (uint32_t)c->code);
  child_close_io(c);
}

/* forgets sessions that were reaped and reported */
void session_gc(void) {
  size_t k = 0;
  for (size_t i = 0; i < g_nsessions; i++) {
    if (g_sessions[i]->reaped) free(g_sessions[i]);
    else g_sessions[k++] = g_sessions[i];
  }
  g_nsessions = k;
}
