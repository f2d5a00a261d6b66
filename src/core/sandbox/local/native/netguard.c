/*
 * netguard: relay to the model gateway and monitor of network syscalls.
 * See netguard.h for what it is for; nc-landlock.c for how it is used.
 *
 * Safety rules: the agent's memory is untrusted input; netguard only copies
 * fixed-size structures out of it (process_vm_readv) and never follows more
 * than one pointer. Any doubt (unreadable memory, a process that vanished,
 * an unknown socket type) is a refusal. Allowed calls continue in the
 * kernel (SECCOMP_USER_NOTIF_FLAG_CONTINUE); that is racy by design (another
 * thread could change the address after the check), which is why the
 * network namespace, not the monitor, is the boundary.
 */
#define _GNU_SOURCE
#include "netguard.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif

#if defined(__x86_64__)
#define NG_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NG_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#define NG_AUDIT_ARCH 0 /* unsupported: ng_fork_and_guard refuses the monitor */
#endif

#define NG_MAX_RELAYS 128
#define NG_MAX_EVENTS 5000
#define NG_EXIT_SETUP 244

static void fail(const char *what) {
  fprintf(stderr, "nc-landlock: error: %s: %s\n", what, strerror(errno));
  exit(NG_EXIT_SETUP);
}

static long events_written, events_dropped;

void ng_event(int fd, const char *json) {
  if (fd < 0) return;
  if (events_written >= NG_MAX_EVENTS) {
    events_dropped++;
    return;
  }
  size_t n = strlen(json);
  struct iovec v[2] = {{.iov_base = (void *)json, .iov_len = n}, {.iov_base = "\n", .iov_len = 1}};
  if (writev(fd, v, 2) == (ssize_t)(n + 1)) events_written++;
  else events_dropped++;
}

int ng_parse_allow(const char *text, struct ng_allow *out) {
  char host[64];
  const char *colon = strrchr(text, ':');
  if (!colon || colon == text || (size_t)(colon - text) >= sizeof host) return -1;
  memcpy(host, text, (size_t)(colon - text));
  host[colon - text] = 0;
  char *end = NULL;
  long port = strtol(colon + 1, &end, 10);
  if (!end || *end || port <= 0 || port > 65535) return -1;
  struct in_addr a;
  if (inet_pton(AF_INET, host, &a) != 1) return -1;
  out->addr4 = a.s_addr;
  out->port = (uint16_t)port;
  return 0;
}

int ng_supported(void) {
  if (NG_AUDIT_ARCH == 0) return 0;
  struct seccomp_notif_sizes sizes;
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) return 0;
  /* pidfd_getfd(2) exists since Linux 5.6: a bad pidfd gives EBADF, a missing syscall ENOSYS. */
  return syscall(__NR_pidfd_getfd, -1, 0, 0) < 0 && errno == EBADF;
}

static int relay_fd = -1;

void ng_prepare(struct ng_config *cfg) {
  if (!cfg->relay_unix) return;
  if (strlen(cfg->relay_unix) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
    errno = ENAMETOOLONG;
    fail("relay socket path");
  }
  relay_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (relay_fd < 0) fail("relay socket");
  int one = 1;
  setsockopt(relay_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->relay_port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(relay_fd, (struct sockaddr *)&a, sizeof a) != 0) fail("relay bind 127.0.0.1 (is the network namespace missing?)");
  if (listen(relay_fd, 64) != 0) fail("relay listen");
}

/* ---- the seccomp filter ---- */

struct ng_ins {
  struct sock_filter f;
  int jt, jf; /* label ids, -1 = fall through (0 offset) */
};

enum { L_ALLOW = 1, L_NOTIFY, L_ENOSYS, L_KILL };

static int install_filter(void) {
  struct ng_ins p[32];
  int n = 0;
#define STMT(code, k) (p[n++] = (struct ng_ins){BPF_STMT(code, k), -1, -1})
#define JEQ(k, t, f) (p[n++] = (struct ng_ins){BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 0), t, f})
#define JGE(k, t, f) (p[n++] = (struct ng_ins){BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, k, 0, 0), t, f})
  STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  JEQ(NG_AUDIT_ARCH, -1, L_KILL);
  STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
  JGE(0x40000000, L_KILL, -1); /* the x32 ABI would bypass the numbers below */
#endif
  JEQ(SYS_connect, L_NOTIFY, -1);
  JEQ(SYS_sendmsg, L_NOTIFY, -1);
  JEQ(SYS_sendmmsg, L_NOTIFY, -1);
#ifdef SYS_io_uring_setup
  JEQ(SYS_io_uring_setup, L_ENOSYS, -1); /* io_uring would bypass the monitor */
#endif
  JEQ(SYS_sendto, -1, L_ALLOW);
  /* sendto(fd, buf, len, flags, dest_addr, addrlen): a NULL dest is a plain send() */
  STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[4]));
  JEQ(0, -1, L_NOTIFY);
  STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[4]) + 4);
  JEQ(0, L_ALLOW, L_NOTIFY);
  int label_at[5] = {0};
  label_at[L_ALLOW] = n;
  STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  label_at[L_NOTIFY] = n;
  STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
  label_at[L_ENOSYS] = n;
  STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
  label_at[L_KILL] = n;
  STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#undef STMT
#undef JEQ
#undef JGE
  struct sock_filter prog[32];
  for (int i = 0; i < n; i++) {
    prog[i] = p[i].f;
    if (p[i].jt >= 0) prog[i].jt = (uint8_t)(label_at[p[i].jt] - i - 1);
    if (p[i].jf >= 0) prog[i].jf = (uint8_t)(label_at[p[i].jf] - i - 1);
  }
  struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
  return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &fprog);
}

/* ---- reading the target's memory and sockets ---- */

static int read_mem(pid_t pid, uint64_t addr, void *buf, size_t len) {
  if (!addr || !len) return -1;
  struct iovec local = {.iov_base = buf, .iov_len = len};
  struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
  return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -1;
}

static pid_t tgid_of(pid_t tid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", tid);
  FILE *f = fopen(path, "re");
  if (!f) return -1;
  pid_t tgid = -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "Tgid: %d", &tgid) == 1) break;
  fclose(f);
  return tgid;
}

/* SOCK_STREAM, SOCK_DGRAM... of the target's fd, or -1. */
static int socket_type(pid_t tid, int fd) {
  pid_t tgid = tgid_of(tid);
  if (tgid <= 0) return -1;
  int pidfd = (int)syscall(__NR_pidfd_open, tgid, 0);
  if (pidfd < 0) return -1;
  int mine = (int)syscall(__NR_pidfd_getfd, pidfd, fd, 0);
  close(pidfd);
  if (mine < 0) return -1;
  int type = -1;
  socklen_t len = sizeof type;
  if (getsockopt(mine, SOL_SOCKET, SO_TYPE, &type, &len) != 0) type = -1;
  close(mine);
  return type;
}

struct verdict {
  int allow;
  int family;
  int type;
  char addr[INET6_ADDRSTRLEN];
  int port;
  const char *why;
};

static const char *proto_name(int type) {
  switch (type) {
    case SOCK_STREAM: return "tcp";
    case SOCK_DGRAM: return "udp";
    case SOCK_RAW: return "raw";
    case SOCK_SEQPACKET: return "seqpacket";
    default: return "unknown";
  }
}

static const char *family_name(int family) {
  switch (family) {
    case AF_INET: return "ipv4";
    case AF_INET6: return "ipv6";
    case AF_UNIX: return "unix";
    case AF_NETLINK: return "netlink";
    default: return "other";
  }
}

/* Judges one destination address copied out of the target. */
static void judge(const struct ng_config *cfg, const unsigned char *sa, size_t salen, int type, struct verdict *v) {
  memset(v, 0, sizeof *v);
  v->type = type;
  if (salen < sizeof(sa_family_t)) {
    v->allow = 1; /* the kernel refuses it with EINVAL itself */
    return;
  }
  sa_family_t family;
  memcpy(&family, sa, sizeof family);
  v->family = family;
  if (family == AF_UNIX || family == AF_NETLINK || family == AF_UNSPEC) {
    v->allow = 1;
    return;
  }
  uint32_t addr4 = 0;
  int is4 = 0;
  if (family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
    struct sockaddr_in in;
    memcpy(&in, sa, sizeof in);
    addr4 = in.sin_addr.s_addr;
    v->port = ntohs(in.sin_port);
    inet_ntop(AF_INET, &in.sin_addr, v->addr, sizeof v->addr);
    is4 = 1;
  } else if (family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
    struct sockaddr_in6 in6;
    memcpy(&in6, sa, sizeof in6);
    v->port = ntohs(in6.sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
      memcpy(&addr4, &in6.sin6_addr.s6_addr[12], 4);
      is4 = 1;
      inet_ntop(AF_INET, &addr4, v->addr, sizeof v->addr);
    } else {
      inet_ntop(AF_INET6, &in6.sin6_addr, v->addr, sizeof v->addr);
    }
  } else {
    snprintf(v->addr, sizeof v->addr, "family %d", (int)family);
    v->why = "not an IP or Unix socket";
    return;
  }
  if (type != SOCK_STREAM) {
    v->why = type < 0 ? "socket type unknown" : "not TCP";
    return;
  }
  for (int i = 0; is4 && i < cfg->nallow; i++) {
    if (cfg->allow[i].addr4 == addr4 && cfg->allow[i].port == v->port) {
      v->allow = 1;
      return;
    }
  }
  v->why = "not the model gateway";
}

static void report(const struct ng_config *cfg, const char *syscall_name, pid_t pid, const struct verdict *v) {
  char json[512];
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  long long ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
  snprintf(json, sizeof json,
           "{\"type\":\"net\",\"verdict\":\"deny\",\"syscall\":\"%s\",\"proto\":\"%s\",\"family\":\"%s\",\"address\":\"%s\",\"port\":%d,\"pid\":%d,\"reason\":\"%s\",\"time\":%lld}",
           syscall_name, proto_name(v->type), family_name(v->family), v->addr, v->port, (int)pid, v->why ? v->why : "refused", ms);
  ng_event(cfg->events_fd, json);
}

static void handle(const struct ng_config *cfg, int nfd, struct seccomp_notif *req, struct seccomp_notif_resp *resp) {
  const __u64 *a = req->data.args;
  int nr = req->data.nr;
  const char *name = nr == SYS_connect ? "connect" : nr == SYS_sendto ? "sendto" : nr == SYS_sendmsg ? "sendmsg" : "sendmmsg";
  unsigned char sa[128];
  struct verdict v = {.allow = 0, .why = "unreadable arguments"};
  int decided = 0;
  if (nr == SYS_connect || nr == SYS_sendto) {
    uint64_t ptr = nr == SYS_connect ? a[1] : a[4];
    size_t len = (size_t)(nr == SYS_connect ? a[2] : a[5]);
    if (len > sizeof sa) len = sizeof sa;
    if (len < sizeof(sa_family_t)) {
      v.allow = 1;
      decided = 1;
    } else if (read_mem(req->pid, ptr, sa, len) == 0) {
      judge(cfg, sa, len, socket_type(req->pid, (int)a[0]), &v);
      decided = 1;
    }
  } else {
    /* sendmsg(fd, msghdr*, flags) / sendmmsg(fd, mmsghdr*, vlen, flags) */
    unsigned vlen = nr == SYS_sendmsg ? 1 : (unsigned)(a[2] > 64 ? 64 : a[2]);
    int type = -2;
    v.allow = 1;
    decided = 1;
    for (unsigned i = 0; i < vlen && v.allow; i++) {
      struct msghdr mh;
      uint64_t at = a[1] + (uint64_t)i * (nr == SYS_sendmsg ? sizeof(struct msghdr) : sizeof(struct mmsghdr));
      if (read_mem(req->pid, at, &mh, sizeof mh) != 0) {
        v.allow = 0;
        v.why = "unreadable arguments";
        break;
      }
      if (!mh.msg_name || mh.msg_namelen < sizeof(sa_family_t)) continue;
      size_t len = mh.msg_namelen > sizeof sa ? sizeof sa : mh.msg_namelen;
      if (read_mem(req->pid, (uint64_t)(uintptr_t)mh.msg_name, sa, len) != 0) {
        v.allow = 0;
        v.why = "unreadable arguments";
        break;
      }
      if (type == -2) type = socket_type(req->pid, (int)a[0]);
      judge(cfg, sa, len, type, &v);
    }
  }
  /* The process may have died (and its pid been reused) while we read: then the answer is moot. */
  if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) != 0) return;
  memset(resp, 0, sizeof *resp);
  resp->id = req->id;
  if (decided && v.allow) {
    resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  } else {
    resp->error = -EACCES;
    report(cfg, name, req->pid, &v);
  }
  ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, resp); /* ENOENT: the caller was killed meanwhile */
}

/* ---- the relay ---- */

static void shuttle(int a, int b) {
  char buf[2][65536];
  size_t len[2] = {0, 0}, off[2] = {0, 0};
  int eof[2] = {0, 0}, fds[2] = {a, b};
  fcntl(a, F_SETFL, O_NONBLOCK);
  fcntl(b, F_SETFL, O_NONBLOCK);
  for (;;) {
    struct pollfd p[2];
    for (int i = 0; i < 2; i++) {
      int o = 1 - i; /* direction i: fds[i] -> fds[o] */
      p[i].fd = fds[i];
      p[i].events = 0;
      p[i].revents = 0;
      if (!eof[i] && len[i] == 0) p[i].events |= POLLIN;
      if (len[o] > off[o]) p[i].events |= POLLOUT;
    }
    if ((eof[0] && len[0] == off[0]) && (eof[1] && len[1] == off[1])) return;
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; i++) {
      int o = 1 - i;
      if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) && !eof[i] && len[i] == 0) {
        ssize_t r = read(fds[i], buf[i], sizeof buf[i]);
        if (r > 0) {
          len[i] = (size_t)r;
          off[i] = 0;
        } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
          eof[i] = 1;
          shutdown(fds[o], SHUT_WR);
        }
      }
      if ((p[o].revents & POLLOUT) && len[i] > off[i]) {
        ssize_t w = write(fds[o], buf[i] + off[i], len[i] - off[i]);
        if (w > 0) {
          off[i] += (size_t)w;
          if (off[i] == len[i]) len[i] = off[i] = 0;
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
          return;
        }
      }
      if ((p[o].revents & (POLLERR | POLLHUP)) && !(p[o].revents & POLLIN) && len[i] > off[i]) return;
    }
  }
}

static void relay_one(int conn, const char *path) {
  int u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sun = {.sun_family = AF_UNIX};
  strncpy(sun.sun_path, path, sizeof sun.sun_path - 1);
  if (u < 0 || connect(u, (struct sockaddr *)&sun, sizeof sun) != 0) _exit(1);
  shuttle(conn, u);
  _exit(0);
}

/* ---- the guard process ---- */

static void exit_like(int status) {
  if (WIFEXITED(status)) exit(WEXITSTATUS(status));
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
  signal(sig, SIG_DFL);
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_UNBLOCK, &all, NULL);
  raise(sig);
  exit(128 + sig);
}

int ng_fork_and_guard(struct ng_config *cfg) {
  if (cfg->monitor && NG_AUDIT_ARCH == 0) {
    fprintf(stderr, "nc-landlock: error: the network monitor supports x86_64 and aarch64 only\n");
    exit(NG_EXIT_SETUP);
  }
  /* If whoever started us dies (an editor killed with -9), the guard goes, and the agent with it. */
  /* TODO(nemocog): a starter that dies between its fork and this point leaves us already re-parented, and
     getppid() then names the reaper; the starter could pass its pid (or a pipe to watch) to close that race. */
  pid_t starter = getppid();
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid() != starter) exit(NG_EXIT_SETUP);
  int up[2], down[2]; /* child -> parent: listener fd number; parent -> child: go */
  if (pipe2(up, O_CLOEXEC) != 0 || pipe2(down, O_CLOEXEC) != 0) fail("pipe");
  sigset_t guarded, old;
  sigemptyset(&guarded);
  sigaddset(&guarded, SIGCHLD);
  sigaddset(&guarded, SIGTERM);
  sigaddset(&guarded, SIGINT);
  sigaddset(&guarded, SIGHUP);
  sigaddset(&guarded, SIGQUIT);
  sigprocmask(SIG_BLOCK, &guarded, &old);
  pid_t guard = getpid();
  pid_t child = fork();
  if (child < 0) fail("fork");
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &old, NULL);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != guard) _exit(NG_EXIT_SETUP);
    if (relay_fd >= 0) close(relay_fd);
    close(up[0]);
    close(down[1]);
    int lfd = -1;
    if (cfg->monitor) {
      if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("PR_SET_NO_NEW_PRIVS");
      lfd = install_filter();
      if (lfd < 0) fail("installing the seccomp network monitor");
    }
    if (write(up[1], &lfd, sizeof lfd) != sizeof lfd) fail("handing over the monitor");
    char go;
    if (read(down[0], &go, 1) != 1) _exit(NG_EXIT_SETUP);
    if (lfd >= 0) close(lfd);
    close(up[1]);
    close(down[0]);
    return 0;
  }

  /* The guard: outside the agent's Landlock domain, which is applied after the fork. */
  close(up[1]);
  close(down[0]);
  int lfd_child = -1;
  if (read(up[0], &lfd_child, sizeof lfd_child) != sizeof lfd_child) {
    int st = 0;
    waitpid(child, &st, 0);
    exit_like(st);
  }
  int nfd = -1;
  if (lfd_child >= 0) {
    int pidfd = (int)syscall(__NR_pidfd_open, child, 0);
    nfd = pidfd < 0 ? -1 : (int)syscall(__NR_pidfd_getfd, pidfd, lfd_child, 0);
    if (nfd < 0) {
      kill(child, SIGKILL);
      fail("taking over the seccomp listener (pidfd_getfd needs Linux >= 5.6)");
    }
    close(pidfd);
  }
  if (write(down[1], "g", 1) != 1) fail("starting the agent");
  close(up[0]);
  close(down[1]);

  int sfd = signalfd(-1, &guarded, SFD_CLOEXEC);
  if (sfd < 0) fail("signalfd");
  struct seccomp_notif_sizes sizes;
  struct seccomp_notif *req = NULL;
  struct seccomp_notif_resp *resp = NULL;
  if (nfd >= 0) {
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) fail("SECCOMP_GET_NOTIF_SIZES");
    req = calloc(1, sizes.seccomp_notif > sizeof *req ? sizes.seccomp_notif : sizeof *req);
    resp = calloc(1, sizes.seccomp_notif_resp > sizeof *resp ? sizes.seccomp_notif_resp : sizeof *resp);
    if (!req || !resp) fail("out of memory");
  }
  int relays = 0;
  for (;;) {
    struct pollfd p[3] = {{.fd = sfd, .events = POLLIN}, {.fd = nfd, .events = POLLIN}, {.fd = relay_fd, .events = POLLIN}};
    if (relays >= NG_MAX_RELAYS) p[2].fd = -1;
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR) continue;
      fail("poll");
    }
    if (p[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD) {
          int st;
          pid_t done;
          while ((done = waitpid(-1, &st, WNOHANG)) > 0) {
            if (done == child) {
              if (events_dropped > 0 && cfg->events_fd >= 0) {
                char json[128];
                snprintf(json, sizeof json, "{\"type\":\"net-summary\",\"dropped\":%ld}", events_dropped);
                events_written = 0;
                ng_event(cfg->events_fd, json);
              }
              exit_like(st);
            }
            relays--;
          }
        } else {
          kill(child, (int)si.ssi_signo); /* a stop request is for the agent */
        }
      }
    }
    if (nfd >= 0 && (p[1].revents & POLLIN)) {
      memset(req, 0, sizes.seccomp_notif);
      if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, req) == 0) handle(cfg, nfd, req, resp);
    }
    if (relay_fd >= 0 && p[2].fd >= 0 && (p[2].revents & POLLIN)) {
      int conn = accept4(relay_fd, NULL, NULL, SOCK_CLOEXEC);
      if (conn >= 0) {
        pid_t r = fork();
        if (r == 0) {
          sigprocmask(SIG_SETMASK, &old, NULL);
          prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
          close(sfd);
          close(relay_fd);
          if (nfd >= 0) close(nfd);
          if (cfg->events_fd >= 0) close(cfg->events_fd);
          relay_one(conn, cfg->relay_unix);
        }
        if (r > 0) relays++;
        close(conn);
      }
    }
  }
}
