/* Small containers used everywhere: a byte queue and a NULL-terminated string vector. */
#include <stdlib.h>
#include <string.h>

#include "s1x.h"

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) abort(); /* out of memory in PID 1: nothing sensible is left to do */
  return q;
}

void buf_add(struct buf *b, const void *data, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
  }
  memcpy(b->p + b->len, data, n);
  b->len += n;
}

void buf_drop(struct buf *b, size_t n) {
  if (n >= b->len) {
    b->len = 0;
  } else {
    memmove(b->p, b->p + n, b->len - n);
    b->len -= n;
  }
  /* give memory back after a burst, so a chatty app does not keep PID 1 large */
  if (b->len == 0 && b->cap > (1u << 20)) buf_free(b);
}

void buf_free(struct buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

void strv_add(struct strv *s, char *str) {
  s->v = xrealloc(s->v, (s->n + 2) * sizeof(char *));
  s->v[s->n++] = str;
  s->v[s->n] = NULL;
}

const char *strv_get_env(const struct strv *env, const char *name) {
  size_t nl = strlen(name);
  for (size_t i = 0; i < env->n; i++)
    if (strncmp(env->v[i], name, nl) == 0 && env->v[i][nl] == '=') return env->v[i] + nl + 1;
  return NULL;
}
