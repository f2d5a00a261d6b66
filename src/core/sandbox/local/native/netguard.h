/*
 * netguard: the network half of nc-landlock.
 *
 * The sandboxed agent lives in its own network namespace (bubblewrap
 * --unshare-net), where only `lo` exists. netguard runs as the agent's
 * parent, OUTSIDE its Landlock domain (so the agent can neither signal nor
 * ptrace it), and does two things:
 *
 *  - relay: listens on 127.0.0.1:PORT inside the namespace and pipes each
 *    connection to a Unix socket that the model gateway listens on outside.
 *    That is the only way out of the namespace.
 *  - monitor: a seccomp filter sends every connect(), sendto() with an
 *    address, sendmsg() and sendmmsg() of the agent and its descendants to
 *    netguard (SECCOMP_RET_USER_NOTIF). It lets Unix and netlink sockets
 *    through, lets TCP to the allowed address:port through, and refuses
 *    everything else with EACCES, writing one JSON line per refusal on the
 *    events fd (which the agent does not hold). The namespace is what
 *    confines; the monitor is what makes every refused attempt visible,
 *    UDP included (in a namespace a UDP packet to nowhere "succeeds").
 *
 * Exposed to nc-landlock.c only.
 */
#ifndef NC_NETGUARD_H
#define NC_NETGUARD_H

#include <stdint.h>
#include <sys/types.h>

#define NG_MAX_ALLOW 64

struct ng_allow {
  uint32_t addr4; /* network byte order */
  uint16_t port;  /* host byte order */
};

struct ng_config {
  /* relay: listen on 127.0.0.1:relay_port, forward to relay_unix (NULL: no relay) */
  const char *relay_unix;
  int relay_port;
  /* monitor: seccomp user notification on the network syscalls */
  int monitor;
  struct ng_allow allow[NG_MAX_ALLOW];
  int nallow;
  /* where JSON event lines go (-1: nowhere) */
  int events_fd;
};

/* Parses "HOST:PORT" (IPv4 dotted quad) into an allow entry; 0 on success. */
int ng_parse_allow(const char *text, struct ng_allow *out);

/* Called by the launcher before it forks: binds the relay's listening socket. Returns 0 or exits. */
void ng_prepare(struct ng_config *cfg);

/*
 * Forks. In the child (returns 0): installs the seccomp filter (when
 * cfg->monitor), hands its listener to the parent, and returns so that the
 * caller applies Landlock and execs the agent. In the parent: never returns;
 * relays and monitors until the child exits, then exits the same way.
 */
int ng_fork_and_guard(struct ng_config *cfg);

/* 1 when this kernel and architecture support the monitor (seccomp user notification, pidfd_getfd). */
int ng_supported(void);

/* Writes one line (a complete JSON object, no newline) to the events fd; never blocks. */
void ng_event(int fd, const char *json);

#endif
