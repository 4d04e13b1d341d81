/* Decoding of the PLAN and EXEC payloads: sequences of tag:u8 length:u32 value fields (docs/PROTOCOL.md).
 * Everything is validated here, so the rest of the init only sees well-formed, NUL-free strings. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s1x.h"


struct cur {
  const uint8_t *p;
  size_t n;
  char *err;
  size_t errlen;
};

static int fail(struct cur *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err, c->errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* 1 = field read, 0 = end, -1 = malformed */
static int next(struct cur *c, uint8_t *tag, struct cur *val) {
  if (c->n == 0) return 0;
  if (c->n < 5) return fail(c, "truncated field header");
  uint32_t l = be32(c->p + 1);
  if (l > c->n - 5) return fail(c, "field 0x%02x: length %u past the end", c->p[0], l);
  *tag = c->p[0];
  *val = (struct cur){c->p + 5, l, c->err, c->errlen};
  c->p += 5 + l;
  c->n -= 5 + l;
  return 1;
}

static int str(struct cur *v, uint8_t tag, char **out) {
  if (memchr(v->p, 0, v->n)) return fail(v, "field 0x%02x: string contains a NUL byte", tag);
  char *s = malloc(v->n + 1);
  if (!s) abort();
  memcpy(s, v->p, v->n);
  s[v->n] = 0;
  free(*out);
  *out = s;
  return 0;
}

static int abspath(struct cur *v, uint8_t tag, char **out) {
  if (str(v, tag, out)) return -1;
  if ((*out)[0] != '/') return fail(v, "field 0x%02x: '%s' is not an absolute path", tag, *out);
  return 0;
}

static int u32(struct cur *v, uint8_t tag, uint32_t *out) {
  if (v->n != 4) return fail(v, "field 0x%02x: integer of %zu bytes", tag, v->n);
  *out = be32(v->p);
  return 0;
}

static int boolean(struct cur *v, uint8_t tag, int *out) {
  if (v->n != 1 || v->p[0] > 1) return fail(v, "field 0x%02x: invalid boolean", tag);
  *out = v->p[0];
  return 0;
}

static int arg(struct cur *v, struct strv *argv) {
  char *s = NULL;
  if (str(v, T_ARG, &s)) return -1;
  strv_add(argv, s);
  return 0;
}

static int env(struct cur *v, struct strv *e) {
  char *s = NULL;
  if (str(v, T_ENV, &s)) return -1;
  char *eq = strchr(s, '=');
  int ok = eq && eq != s && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_');
  for (char *q = s; ok && q < eq; q++)
    ok = (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_' ||
         *q == '.' || *q == '-';
  if (!ok) {
    fail(v, "ENV entry '%.60s' is not NAME=value", s);
    free(s);
    return -1;
  }
  strv_add(e, s);
  return 0;
}

static int handler(struct cur *v, struct strv **list, size_t *n) {
  struct cur f;
  uint8_t tag;
  int r;
  *list = realloc(*list, (*n + 1) * sizeof **list);
  if (!*list) abort();
  struct strv *h = &(*list)[(*n)++];
  *h = (struct strv){0};
  while ((r = next(v, &tag, &f)) > 0) {
    if (tag != T_ARG) return fail(v, "event handler: unexpected field 0x%02x", tag);
    if (arg(&f, h)) return -1;
  }
  if (r < 0) return -1;
  if (h->n == 0) return fail(v, "event handler without an ARG");
  return 0;
}

static int mountf(struct cur *v, struct appspec *a) {
  struct cur f;
  uint8_t tag;
  int r;
  a->mounts = realloc(a->mounts, (a->nmounts + 1) * sizeof *a->mounts);
  if (!a->mounts) abort();
  struct mountspec *m = &a->mounts[a->nmounts++];
  *m = (struct mountspec){0};
  while ((r = next(v, &tag, &f)) > 0) {
    if (tag == T_MOUNT_SOURCE) r = abspath(&f, tag, &m->source);
    else if (tag == T_MOUNT_TARGET) r = abspath(&f, tag, &m->target);
    else if (tag == T_MOUNT_RO) r = boolean(&f, tag, &m->ro);
    else return fail(v, "mount: unknown field 0x%02x", tag);
    if (r) return -1;
  }
  if (r < 0) return -1;
  if (!m->source || !m->target) return fail(v, "mount without source or target");
  return 0;
}

static int share(struct cur *v, struct plan *pl) {
  struct cur f;
  uint8_t tag;
  int r;
  pl->shares = realloc(pl->shares, (pl->nshares + 1) * sizeof *pl->shares);
  if (!pl->shares) abort();
  struct sharespec *s = &pl->shares[pl->nshares++];
  *s = (struct sharespec){0};
  while ((r = next(v, &tag, &f)) > 0) {
    if (tag == T_SHARE_TAG) r = str(&f, tag, &s->tag);
    else if (tag == T_SHARE_PATH) r = abspath(&f, tag, &s->path);
    else if (tag == T_SHARE_RO) r = boolean(&f, tag, &s->ro);
    else return fail(v, "share: unknown field 0x%02x", tag);
    if (r) return -1;
  }
  if (r < 0) return -1;
  if (!s->tag || !s->tag[0] || !s->path) return fail(v, "share without tag or path");
  return 0;
}

static int route(struct cur *v, struct netspec *n) {
  struct cur f;
  uint8_t tag;
  int r;
  uint32_t a;
  unsigned len;
  n->routes = realloc(n->routes, (n->nroutes + 1) * sizeof *n->routes);
  if (!n->routes) abort();
  struct routespec *rt = &n->routes[n->nroutes++];
  *rt = (struct routespec){0};
  while ((r = next(v, &tag, &f)) > 0) {
    if (tag == T_ROUTE_DST) r = str(&f, tag, &rt->dst);
    else if (tag == T_ROUTE_VIA) r = str(&f, tag, &rt->via);
    else return fail(v, "route: unknown field 0x%02x", tag);
    if (r) return -1;
  }
  if (r < 0) return -1;
  if (!rt->dst || parse_prefix(rt->dst, &a, &len)) return fail(v, "route without a valid destination");
  if (rt->via && parse_ipv4(rt->via, &a)) return fail(v, "route to %s: invalid gateway '%s'", rt->dst, rt->via);
  return 0;
}

static int netf(struct cur *v, struct plan *pl) {
  struct cur f;
  uint8_t tag;
  int r;
  uint32_t a;
  unsigned len;
  unsigned char mac[6];
  pl->nets = realloc(pl->nets, (pl->nnets + 1) * sizeof *pl->nets);
  if (!pl->nets) abort();
  struct netspec *n = &pl->nets[pl->nnets++];
  *n = (struct netspec){0};
  n->prefix_route = 1;
  while ((r = next(v, &tag, &f)) > 0) {
    switch (tag) {
    case T_NET_NAME: r = str(&f, tag, &n->name); break;
    case T_NET_MAC: r = str(&f, tag, &n->mac); break;
    case T_NET_ADDRESS: r = str(&f, tag, &n->address); break;
    case T_NET_MTU: r = u32(&f, tag, &n->mtu); break;
    case T_NET_PREFIX_ROUTE: r = boolean(&f, tag, &n->prefix_route); break;
    case T_NET_ROUTE: r = route(&f, n); break;
    default: return fail(v, "interface: unknown field 0x%02x", tag);
    }
    if (r) return -1;
  }
  if (r < 0) return -1;
  if (!n->name || !n->name[0] || strlen(n->name) > 15 || strchr(n->name, '/'))
    return fail(v, "interface without a valid NAME");
  if (!n->mac || parse_mac(n->mac, mac)) return fail(v, "interface %s: invalid MAC", n->name);
  if (!n->address || parse_prefix(n->address, &a, &len)) return fail(v, "interface %s: invalid ADDRESS", n->name);
  if (n->mtu && (n->mtu < 68 || n->mtu > 65535)) return fail(v, "interface %s: MTU %u out of range", n->name, n->mtu);
  return 0;
}

/* The fields of one app: a plan's APP, and the whole payload of APP_START. */
static int app_fields(struct cur *v, struct appspec *a) {
  struct cur f;
  uint8_t tag;
  int r;
  uint32_t x = 0;
  *a = (struct appspec){0};
  while ((r = next(v, &tag, &f)) > 0) {
    switch (tag) {
    case T_NAME: r = str(&f, tag, &a->name); break;
    case T_ROOT: r = abspath(&f, tag, &a->root); break;
    case T_ARG: r = arg(&f, &a->argv); break;
    case T_ENV: r = env(&f, &a->env); break;
    case T_USER: r = str(&f, tag, &a->user); break;
    case T_GROUP: r = str(&f, tag, &a->group); break;
    case T_SUPP_GID:
      if ((r = u32(&f, tag, &x)) == 0) {
        a->supp = realloc(a->supp, (a->nsupp + 1) * sizeof *a->supp);
        if (!a->supp) abort();
        a->supp[a->nsupp++] = x;
      }
      break;
    case T_WORKDIR: r = abspath(&f, tag, &a->workdir); break;
    case T_READONLY_ROOTFS: r = boolean(&f, tag, &a->readonly); break;
    case T_PRE_START: r = handler(&f, &a->prestart, &a->nprestart); break;
    case T_POST_STOP: r = handler(&f, &a->poststop, &a->npoststop); break;
    case T_STDIN: r = boolean(&f, tag, &a->want_stdin); break;
    case T_TTY: r = boolean(&f, tag, &a->tty); break;
    case T_MOUNT: r = mountf(&f, a); break;
    case T_OOM_SCORE_ADJ:
      if ((r = u32(&f, tag, &x)) == 0) {
        a->has_oom = 1;
        a->oom = (int32_t)x;
      }
      break;
    default: return fail(v, "app: unknown field 0x%02x", tag);
    }
    if (r) return -1;
  }
  if (r < 0) return -1;
  if (!a->name || !a->name[0]) return fail(v, "app without NAME");
  if (!a->root) return fail(v, "app %s: no ROOT", a->name);
  if (a->argv.n == 0) return fail(v, "app %s: no ARG", a->name);
  if (!a->user) a->user = strdup("0");
  if (!a->group) a->group = strdup("0");
  if (!a->workdir) a->workdir = strdup("/");
  return 0;
}

static int app(struct cur *v, struct plan *pl) {
  pl->apps = realloc(pl->apps, (pl->napps + 1) * sizeof *pl->apps);
  if (!pl->apps) abort();
  return app_fields(v, &pl->apps[pl->napps++]);
}

int appspec_decode(const uint8_t *p, size_t n, struct appspec *out, char *err, size_t errlen) {
  struct cur c = {p, n, err, errlen};
  return app_fields(&c, out);
}

static void strv_free(struct strv *v) {
  for (size_t i = 0; i < v->n; i++) free(v->v[i]);
  free(v->v);
}

void appspec_free(struct appspec *a) {
  free(a->name);
  free(a->root);
  free(a->user);
  free(a->group);
  free(a->workdir);
  strv_free(&a->argv);
  strv_free(&a->env);
  free(a->supp);
  for (size_t i = 0; i < a->nprestart; i++) strv_free(&a->prestart[i]);
  for (size_t i = 0; i < a->npoststop; i++) strv_free(&a->poststop[i]);
  free(a->prestart);
  free(a->poststop);
  for (size_t i = 0; i < a->nmounts; i++) {
    free(a->mounts[i].source);
    free(a->mounts[i].target);
  }
  free(a->mounts);
  *a = (struct appspec){0};
}

int plan_decode(const uint8_t *p, size_t n, struct plan *pl, char *err, size_t errlen) {
  struct cur c = {p, n, err, errlen}, f;
  uint8_t tag;
  int r, first = 1;
  *pl = (struct plan){0};
  pl->grace_ms = 10000;
  while ((r = next(&c, &tag, &f)) > 0) {
    if (first && tag != T_VERSION) return fail(&c, "plan does not start with VERSION");
    first = 0;
    switch (tag) {
    case T_VERSION:
      if ((r = u32(&f, tag, &pl->version)) == 0 && pl->version != PLAN_VERSION)
        return fail(&c, "plan version %u, this init speaks %u", pl->version, PLAN_VERSION);
      break;
    case T_HOSTNAME: r = str(&f, tag, &pl->hostname); break;
    case T_HOSTS: r = str(&f, tag, &pl->hosts); break;
    case T_RESOLV: r = str(&f, tag, &pl->resolv); break;
    case T_DEBUG: r = boolean(&f, tag, &pl->debug); break;
    case T_GRACE_MS: r = u32(&f, tag, &pl->grace_ms); break;
    case T_MUTABLE: r = boolean(&f, tag, &pl->mutable_pod); break;
    case T_SHARE: r = share(&f, pl); break;
    case T_NET: r = netf(&f, pl); break;
    case T_APP: r = app(&f, pl); break;
    default: return fail(&c, "plan: unknown field 0x%02x", tag);
    }
    if (r) return -1;
  }
  if (r < 0) return -1;
  if (first) return fail(&c, "empty plan");
  for (size_t i = 0; i < pl->napps; i++)
    for (size_t j = 0; j < i; j++)
      if (!strcmp(pl->apps[i].name, pl->apps[j].name)) return fail(&c, "app name %s twice", pl->apps[i].name);
  return 0;
}

int execreq_decode(const uint8_t *p, size_t n, struct execreq *x, char *err, size_t errlen) {
  struct cur c = {p, n, err, errlen}, f;
  uint8_t tag;
  int r;
  *x = (struct execreq){0};
  while ((r = next(&c, &tag, &f)) > 0) {
    switch (tag) {
    case T_EXEC_APP: r = str(&f, tag, &x->app); break;
    case T_ARG: r = arg(&f, &x->argv); break;
    case T_ENV: r = env(&f, &x->env); break;
    case T_TTY: r = boolean(&f, tag, &x->tty); break;
    case T_EXEC_ROWS: r = u32(&f, tag, &x->rows); break;
    case T_EXEC_COLS: r = u32(&f, tag, &x->cols); break;
    default: return fail(&c, "exec: unknown field 0x%02x", tag);
    }
    if (r) return -1;
  }
  if (r < 0) return -1;
  if (!x->app) return fail(&c, "exec request without an app");
  if (x->argv.n == 0) return fail(&c, "exec request without ARG");
  return 0;
}

void execreq_free(struct execreq *x) {
  strv_free(&x->argv);
  strv_free(&x->env);
  free(x->app);
  *x = (struct execreq){0};
}
