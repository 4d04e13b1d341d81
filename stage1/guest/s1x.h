/* Shared declarations of the stage1-xen guest init (PID 1 of the pod VM). See docs/GUEST.md. */
#ifndef S1X_H
#define S1X_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "protocol.h"

/* ---- growable byte buffer ---- */
struct buf {
  uint8_t *p;
  size_t len, cap;
};
void buf_add(struct buf *b, const void *data, size_t n);
void buf_drop(struct buf *b, size_t n); /* removes n bytes from the front */
void buf_free(struct buf *b);

/* ---- NULL-terminated string vector ---- */
struct strv {
  char **v;
  size_t n;
};
void strv_add(struct strv *s, char *str); /* takes ownership */
const char *strv_get_env(const struct strv *env, const char *name);

/* ---- the plan (plan.c) ---- */
struct mountspec {
  char *source, *target;
  int ro;
};
struct sharespec {
  char *tag, *path;
  int ro;
};
struct routespec {
  char *dst, *via; /* "a.b.c.d/n", and "a.b.c.d" or NULL for a destination on the link */
};
struct netspec {
  char *name, *mac, *address; /* eth0, "02:..", "a.b.c.d/n" */
  uint32_t mtu;               /* 0 = keep the device's */
  int prefix_route;           /* 0 on a point-to-point link: no route for the address's subnet */
  struct routespec *routes;
  size_t nroutes;
};
struct appspec {
  char *name, *root, *user, *group, *workdir;
  struct strv argv, env;
  gid_t *supp;
  size_t nsupp;
  int readonly, want_stdin, tty, has_oom, oom;
  struct strv *prestart, *poststop;
  size_t nprestart, npoststop;
  struct mountspec *mounts;
  size_t nmounts;
};
struct plan {
  uint32_t version, grace_ms;
  char *hostname, *hosts, *resolv;
  int debug, mutable_pod;
  struct sharespec *shares;
  size_t nshares;
  struct appspec *apps;
  size_t napps;
  struct netspec *nets;
  size_t nnets;
};
struct execreq {
  char *app;
  struct strv argv, env;
  int tty;
  uint32_t rows, cols;
};
/* Both return 0, or -1 with a one-line reason in err. */
int plan_decode(const uint8_t *p, size_t n, struct plan *out, char *err, size_t errlen);
int execreq_decode(const uint8_t *p, size_t n, struct execreq *out, char *err, size_t errlen);
/* APP_START's payload: the fields of one plan APP (the same decoder), the spec owned by the caller. */
int appspec_decode(const uint8_t *p, size_t n, struct appspec *out, char *err, size_t errlen);
void appspec_free(struct appspec *a); /* also of a spec whose decoding failed half-way */
void execreq_free(struct execreq *r);

/* ---- channel and frames (proto.c) ---- */
int chan_open(const char *path);
int chan_reopen(const char *path); /* after a hangup */
int chan_fd(void);
void send_frame(uint8_t type, uint32_t session, const void *payload, size_t len);
void send_u32(uint8_t type, uint32_t session, uint32_t v);
void send_hello(const char *info); /* HELLO: the protocol version, then the key=value words of info */
/* The payloads of SHUTDOWN, SIGNAL and WINSIZE: 0, or -1 when the payload has not the protocol's length. */
int shutdown_decode(const uint8_t *p, uint32_t len, uint32_t *grace_ms);
int signal_decode(const uint8_t *p, uint32_t len, int *signo);
int winsize_decode(const uint8_t *p, uint32_t len, uint16_t *rows, uint16_t *cols);
int chan_want_write(void);    /* bytes are queued */
int chan_backlogged(void);    /* too many bytes queued: stop reading app output */
int chan_flush(void);         /* non-blocking write of the queue; -1 when the link is gone */
int chan_read(void);          /* reads what is there into the input buffer; -1 on EOF/error */
/* Next complete frame from the input buffer; 1 = got one (payload valid until the next call), 0 = none yet. */
int chan_next(uint8_t *type, uint32_t *session, const uint8_t **payload, uint32_t *len);
int chan_drain(int timeout_ms); /* flushes the queue and the tty's own buffer, bounded */
uint32_t be32(const uint8_t *p);
void put32(uint8_t *p, uint32_t v);

/* ---- logging (log.c) ---- */
extern int g_debug;
void logmsg(int level, uint32_t session, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define DBG(...) do { if (g_debug) logmsg(LOG_DEBUG, 0, __VA_ARGS__); } while (0)
long uptime_ms(void); /* since boot, as the kernel's log counts */
long now_ms(void);    /* monotonic: deadlines and timeouts */
void kmsg_forward(int fd); /* the kernel's new messages on /dev/kmsg, as debug LOG frames */

/* ---- network interfaces (net.c) ---- */
/* Brings up lo and configures every interface of the plan; 0, or -1 with a one-line reason in err. */
int net_configure(const struct plan *pl, char *err, size_t errlen);
/* Parsers shared with plan validation: 0 on success. */
int parse_ipv4(const char *text, uint32_t *addr);
int parse_prefix(const char *text, uint32_t *addr, unsigned *len);
int parse_mac(const char *text, unsigned char mac[6]);

/* ---- kernel modules (modules.c) ---- */
void modules_load(const char *listfile);

/* ---- safe paths inside an app root (safepath.c) ---- */
int in_root_open(int rootfd, const char *path, int flags, mode_t mode);
int in_root_mkdirs(int rootfd, const char *path, mode_t mode); /* returns an O_PATH fd of the directory */
int in_root_file(int rootfd, const char *path);                 /* creates an empty file if missing; O_PATH fd */
int mount_on_fd(const char *src, int fd, const char *type, unsigned long flags, const char *data);
char *fd_path(int fd, char *buf, size_t len);

/* ---- volumes in an app's root (volumes.c) ---- */
/* The target made inside the root if missing (a directory, or a file when !dir): an O_PATH fd, or -1 with err. */
int volume_target(int rootfd, const char *target, int dir, char *err, size_t errlen);
int bind_volume(const char *source, int target_fd, int ro);
int app_mount(int rootfd, const struct mountspec *m, char *err, size_t errlen);

/* ---- users and groups (ids.c) ---- */
struct ident {
  uid_t uid;
  gid_t gid;
  int has_pw;          /* uid came from the image's /etc/passwd */
  char name[256], home[1024], shell[1024];
};
int resolve_ident(int rootfd, const char *user, const char *group, struct ident *id, char *err, size_t errlen);

/* ---- apps and processes (apps.c) ---- */
struct child {
  uint32_t session;
  pid_t pid;            /* 0 = not running */
  int out_fd, err_fd;   /* -1 when closed; with a tty out_fd is the pty master */
  int in_fd;            /* -1 when closed or none */
  struct buf inq;
  int in_eof;           /* close in_fd once inq is written */
  int tty;
  int code;             /* exit code once reaped */
  int reaped;
};
void child_init(struct child *c, uint32_t session);
int child_io_open(const struct child *c);
void child_pump_output(struct child *c, int fd);
void child_drain(struct child *c);
void child_close_io(struct child *c);
void child_write_stdin(struct child *c, const uint8_t *p, size_t n);
void child_flush_stdin(struct child *c);

enum app_state { A_PREPARED, A_PRESTART, A_READY, A_RUNNING, A_POSTSTOP, A_DONE };
struct app {
  struct appspec *spec;
  uint32_t session;
  char view[64];        /* guest path of the app's root view */
  char **envp;
  struct ident id;
  enum app_state state;
  size_t hook;          /* next handler index */
  struct child main, handler;
  int code, reported, started;
  long kill_at;         /* an added app asked to stop (APP_STOP): when SIGKILL follows SIGTERM; 0 = none */
  int stop_asked;       /* APP_STOP came before the app started: it does not start */
  int removed;          /* APP_RM: freed at the next step, never under a pending poll slot */
};
/* session: 1 + i for the plan's app i, or an added app's (APP_START); the view is /run/s1x/app<session - 1> */
int app_prepare(struct app *a, struct plan *pl, uint32_t session, char *err, size_t errlen);
/* Undoes app_prepare once the app's processes are gone: its view unmounted and removed, its environment freed. */
void app_release(struct app *a);
int app_start_main(struct app *a);
int app_start_handler(struct app *a, const struct strv *argv);
/* A process to start in an app's root view: what it runs, as whom, and on what. */
struct spawn {
  const char *view;        /* guest path of the app's root view */
  char **argv, **envp;
  const struct ident *id;
  const char *workdir;
  const gid_t *supp;       /* supplementary groups */
  size_t nsupp;
  int oom_set, oom;        /* oom_score_adj, when set */
  int want_stdin;          /* stdin a pipe from the host, else /dev/null (without a pty) */
  const char *ptsdir;      /* a pty of this devpts instance instead of pipes, or NULL */
  uint16_t rows, cols;     /* the pty's size; 0 for 24x80 */
};
/* Starts it with its output (and stdin) on c; its pid, or -1 with errno. */
pid_t spawn_in_view(const struct spawn *s, struct child *c);
int exit_code_of(int status);

/* ---- exec sessions (session.c) ---- */
/* runs an EXEC in the named app's view: a plan's app or an added one (not removed) that has been started */
void session_exec(uint32_t id, const uint8_t *p, size_t n);
struct child *session_find(uint32_t id);
size_t session_count(void);
struct child *session_at(size_t i);
void session_reaped(struct child *c);
void session_gc(void);

/* ---- PID 1: start, HELLO, power-off (boot.c) ---- */
struct init {
  char transport[16]; /* s1x.transport=: xen or virtio */
  char ctl[64];       /* s1x.ctl=: the control channel's device */
  int sfd;            /* signalfd of the signals PID 1 takes */
  int kmsg;           /* /dev/kmsg, read with debug only; -1 otherwise */
  long hello_at;      /* when the last HELLO went out (now_ms) */
};
void say_hello(struct init *in);
/* The end of every path: statuses out, disks synced, power off. */
void power_off(int reason) __attribute__((noreturn));
void fatal(const char *what, const char *detail) __attribute__((noreturn)); /* kills everything, powers off */

/* ---- the pod: each app's state machine and the pod rule (pod.c) ---- */
enum phase { WAIT_PLAN, STARTING, RUNNING, STOPPING };
enum phase pod_phase(void);
uint32_t pod_grace_ms(void); /* the plan's grace period; 0 before the plan */
/* Takes the plan (its memory too): mounts its shares, configures its network, prepares and starts its apps. */
void pod_start(const struct plan *pl, const char *transport);
/* Advances every app's state machine and applies the pod rule; returns when nothing more can happen now, or
 * powers off when the pod is over. */
void pod_step(void);
void pod_reap(void); /* reaps every child that ended (SIGCHLD) */
void pod_request_shutdown(uint32_t grace_ms, const char *why);
int pod_poll_timeout(void); /* ms until the next stop deadline (+1), or -1 */
struct child *pod_child(uint32_t session); /* an app's main process or an enter session, or NULL */
/* Every app, the plan's then those added at run time (APP_START), for the poll loop; valid until the next step. */
size_t pod_app_count(void);
struct app *pod_app_at(size_t i);
/* The frames of a mutable pod (docs/MUTABLE.md): start, stop and remove an added app. */
void pod_app_start(uint32_t session, const uint8_t *p, uint32_t len);
void pod_app_stop(uint32_t session, uint32_t grace_ms);
void pod_app_rm(uint32_t session);

/* ---- frames from the host (dispatch.c) ---- */
void on_frame(struct init *in, uint8_t type, uint32_t session, const uint8_t *p, uint32_t len);

/* ---- the poll loop (loop.c) ---- */
void event_loop(struct init *in) __attribute__((noreturn));

#endif
