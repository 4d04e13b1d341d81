/* The pod VM's network interfaces, configured over rtnetlink (no ip binary needed) before any app starts: loopback
 * always, then every interface of the plan. An interface is found by its MAC, which the host derived from the pod
 * and wrote into the vif, so host and guest agree on which device is which whatever order the kernel probed them. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "s1x.h"

#define DEVICE_WAIT_MS 10000

int parse_ipv4(const char *text, uint32_t *addr) {
  struct in_addr a;
  if (inet_pton(AF_INET, text, &a) != 1) return -1;
  *addr = a.s_addr;
  return 0;
}

int parse_prefix(const char *text, uint32_t *addr, unsigned *len) {
  char buf[20];
  const char *slash = strchr(text, '/');
  if (!slash || slash - text >= (long)sizeof buf || !slash[1] || strlen(slash + 1) > 2) return -1;
  for (const char *p = slash + 1; *p; p++)
    if (!isdigit((unsigned char)*p)) return -1;
  unsigned l = (unsigned)atoi(slash + 1);
  if (l > 32) return -1;
  memcpy(buf, text, (size_t)(slash - text));
  buf[slash - text] = 0;
  if (parse_ipv4(buf, addr)) return -1;
  *len = l;
  return 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = (char)tolower((unsigned char)c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int parse_mac(const char *text, unsigned char mac[6]) {
  if (strlen(text) != 17) return -1;
  for (int i = 0; i < 6; i++) {
    int hi = hexval(text[3 * i]), lo = hexval(text[3 * i + 1]);
    if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':')) return -1;
    mac[i] = (unsigned char)(hi << 4 | lo);
  }
  return 0;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* ---- rtnetlink ---- */

struct nlreq {
  struct nlmsghdr h;
  union {
    struct ifinfomsg link;
    struct ifaddrmsg addr;
    struct rtmsg route;
  } u;
  char attrs[512];
};

static void attr(struct nlreq *r, unsigned short type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void attr32(struct nlreq *r, unsigned short type, uint32_t v) { attr(r, type, &v, sizeof v); }

/* Sends one request and waits for its acknowledgement: 0 or -errno. */
static int talk(int fd, struct nlreq *r) {
  static uint32_t seq;
  r->h.nlmsg_seq = ++seq;
  r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(fd, r, r->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return -errno;
  char buf[8192];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    int len = (int)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != r->h.nlmsg_seq) continue;
      if (h->nlmsg_type == NLMSG_ERROR) return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
    }
  }
}

static void init_req(struct nlreq *r, unsigned short type, unsigned short flags, size_t body) {
  memset(r, 0, sizeof *r);
  r->h.nlmsg_len = (uint32_t)NLMSG_LENGTH(body);
  r->h.nlmsg_type = type;
  r->h.nlmsg_flags = flags;
}

static int link_set(int fd, int index, const char *name, uint32_t mtu, int up) {
  struct nlreq r;
  init_req(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
  r.u.link.ifi_family = AF_UNSPEC;
  r.u.link.ifi_index = index;
  if (up) {
    r.u.link.ifi_flags = IFF_UP;
    r.u.link.ifi_change = IFF_UP;
  }
  if (name) attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
  if (mtu) attr32(&r, IFLA_MTU, mtu);
  return talk(fd, &r);
}

static int addr_add(int fd, int index, uint32_t a, unsigned len, int prefix_route) {
  struct nlreq r;
  init_req(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, sizeof(struct ifaddrmsg));
  r.u.addr.ifa_family = AF_INET;
  r.u.addr.ifa_prefixlen = (unsigned char)len;
  r.u.addr.ifa_scope = RT_SCOPE_UNIVERSE;
  r.u.addr.ifa_index = (unsigned)index;
  attr(&r, IFA_LOCAL, &a, 4);
  attr(&r, IFA_ADDRESS, &a, 4);
  if (!prefix_route) attr32(&r, IFA_FLAGS, IFA_F_NOPREFIXROUTE);
  return talk(fd, &r);
}

static int route_add(int fd, int index, uint32_t dst, unsigned len, const uint32_t *via) {
  struct nlreq r;
  init_req(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, sizeof(struct rtmsg));
  r.u.route.rtm_family = AF_INET;
  r.u.route.rtm_dst_len = (unsigned char)len;
  r.u.route.rtm_table = RT_TABLE_MAIN;
  r.u.route.rtm_protocol = RTPROT_BOOT;
  r.u.route.rtm_scope = via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  r.u.route.rtm_type = RTN_UNICAST;
  if (len) attr(&r, RTA_DST, &dst, 4);
  if (via) attr(&r, RTA_GATEWAY, via, 4);
  attr32(&r, RTA_OIF, (uint32_t)index);
  return talk(fd, &r);
}

/* ---- devices ---- */

static int read_small(const char *path, char *out, size_t len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, out, len - 1);
  close(fd);
  if (n <= 0) return -1;
  out[n] = 0;
  out[strcspn(out, "\n")] = 0;
  return 0;
}

/* The index and current name of the device with this MAC, or 0. */
static int find_by_mac(const unsigned char mac[6], char name[IF_NAMESIZE]) {
  DIR *d = opendir("/sys/class/net");
  struct dirent *e;
  int index = 0;
  if (!d) return 0;
  while (!index && (e = readdir(d))) {
    char path[300], text[64];
    unsigned char m[6];
    if (e->d_name[0] == '.' || strlen(e->d_name) >= IF_NAMESIZE) continue;
    snprintf(path, sizeof path, "/sys/class/net/%s/address", e->d_name);
    if (read_small(path, text, sizeof text) || parse_mac(text, m) || memcmp(m, mac, 6)) continue;
    snprintf(path, sizeof path, "/sys/class/net/%s/ifindex", e->d_name);
    if (read_small(path, text, sizeof text)) continue;
    index = atoi(text);
    memcpy(name, e->d_name, strlen(e->d_name) + 1); /* shorter than IF_NAMESIZE, checked above */
  }
  closedir(d);
  return index;
}

static int configure(int fd, const struct netspec *n, char *err, size_t errlen) {
  unsigned char mac[6];
  char current[IF_NAMESIZE] = "";
  uint32_t a, dst, via;
  unsigned len, dlen;
  int index = 0, rc;
  parse_mac(n->mac, mac); /* validated with the plan */
  long until = now_ms() + DEVICE_WAIT_MS;
  while (!(index = find_by_mac(mac, current))) {
    if (now_ms() > until) return fail(err, errlen, "interface %s: no network device with MAC %s", n->name, n->mac);
    usleep(50000);
  }
  if (strcmp(current, n->name)) {
    /* a name taken by another device of the plan is left as it is: addresses and routes do not depend on it */
    if ((rc = link_set(fd, index, n->name, 0, 0)) < 0)
      logmsg(LOG_WARNING, 0, "interface %s: cannot rename %s: %s", n->name, current, strerror(-rc));
    else
      memcpy(current, n->name, strlen(n->name) + 1); /* at most 15 bytes, checked with the plan */
  }
  if ((rc = link_set(fd, index, NULL, n->mtu, 1)) < 0)
    return fail(err, errlen, "interface %s: cannot bring it up%s: %s", current, n->mtu ? " with its MTU" : "",
                strerror(-rc));
  parse_prefix(n->address, &a, &len);
  if ((rc = addr_add(fd, index, a, len, n->prefix_route)) < 0)
    return fail(err, errlen, "interface %s: address %s: %s", current, n->address, strerror(-rc));
  for (size_t i = 0; i < n->nroutes; i++) {
    const struct routespec *r = &n->routes[i];
    parse_prefix(r->dst, &dst, &dlen);
    if (r->via) parse_ipv4(r->via, &via);
    if ((rc = route_add(fd, index, dst, dlen, r->via ? &via : NULL)) < 0)
      return fail(err, errlen, "interface %s: route to %s%s%s: %s", current, r->dst, r->via ? " via " : "",
                  r->via ? r->via : "", strerror(-rc));
  }
  DBG("interface %s (%s): %s, %zu routes", current, n->mac, n->address, n->nroutes);
  return 0;
}

int net_configure(const struct plan *pl, char *err, size_t errlen) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return fail(err, errlen, "netlink socket: %s", strerror(errno));
  int rc, lo = (int)if_nametoindex("lo");
  if (!lo || (rc = link_set(fd, lo, NULL, 0, 1)) < 0) {
    close(fd);
    return fail(err, errlen, "cannot bring up lo: %s", lo ? strerror(-rc) : "no such device");
  }
  for (size_t i = 0; i < pl->nnets; i++) {
    if (configure(fd, &pl->nets[i], err, errlen) < 0) {
      close(fd);
      return -1;
    }
  }
  close(fd);
  return 0;
}
