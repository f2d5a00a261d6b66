/*
 * nc-landlock: restrict this process with Landlock, then exec a command.
 *
 *   nc-landlock --probe
 *   nc-landlock [--ro PATH]... [--rw PATH]... [--connect-port P]... [--bind-port P]...
 *               [--scope-unix] [--scope-signal] [--drop-caps] [--unrestricted-net] [--allow-degraded]
 *               [--relay PORT=UNIX_SOCKET] [--monitor-net] [--allow-tcp HOST:PORT]...
 *               [--events-fd N] [--attest] [--hidden PATH]...
 *               -- COMMAND [ARG]...
 *   nc-tool-shell -c COMMAND      (a symlink to nc-landlock; see tool_shell below)
 *
 * --relay, --monitor-net: see netguard.h. The launcher then stays as the
 * command's parent (outside its Landlock domain) instead of exec'ing it, and
 * exits the way the command exits. --events-fd names an inherited fd that
 * receives JSON lines (refused network calls; with --attest, one "enforced"
 * line listing what was actually applied, written just before the exec). The
 * command never holds that fd. --hidden PATH: paths the caller hid with
 * bubblewrap; --attest checks and reports each one.
 *
 * The restriction is inherited by every descendant and cannot be lifted. It is
 * deny-by-default: only the listed paths are reachable (ro: read + execute,
 * rw: everything), and TCP connect/bind only to the listed ports (ABI >= 4).
 *
 * The constants are defined here rather than taken from <linux/landlock.h>
 * because distribution headers lag the kernel (Debian 12's stop at ABI 2),
 * and the launcher must use the best ABI the running kernel offers.
 *
 * --drop-caps empties the capability sets and the bounding set, so that a
 * command started as root does not get its capabilities back at execve
 * (root keeps CAP_SYS_MODULE, CAP_NET_RAW... otherwise, Landlock or not).
 *
 * Exit codes of the launcher itself (the command's own code otherwise):
 *   240 usage error, 241 Landlock unavailable, 242 degraded (the kernel's ABI
 *   cannot enforce what was asked and --allow-degraded was not given),
 *   243 a rule could not be added, 244 restrict_self failed,
 *   126/127 exec failed (as a shell reports it).
 * Every launcher message starts with "nc-landlock: " on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <dirent.h>
#include <net/if.h>
#include <unistd.h>

#include "netguard.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

#define EXIT_USAGE 240
#define EXIT_UNAVAILABLE 241
#define EXIT_DEGRADED 242
#define EXIT_RULE 243
#define EXIT_RESTRICT 244

struct nc_ruleset_attr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net; /* ABI 4 */
  uint64_t scoped;             /* ABI 6 */
};
struct nc_path_beneath_attr {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));
struct nc_net_port_attr {
  uint64_t allowed_access;
  uint64_t port;
};

#define NC_VERSION_FLAG (1U << 0)
#define NC_RULE_PATH_BENEATH 1
#define NC_RULE_NET_PORT 2

#define FS_EXECUTE (1ULL << 0)
#define FS_WRITE_FILE (1ULL << 1)
#define FS_READ_FILE (1ULL << 2)
#define FS_READ_DIR (1ULL << 3)
#define FS_ABI1_ALL ((1ULL << 13) - 1) /* EXECUTE .. MAKE_SYM */
#define FS_REFER (1ULL << 13)          /* ABI 2 */
#define FS_TRUNCATE (1ULL << 14)       /* ABI 3 */
#define FS_IOCTL_DEV (1ULL << 15)      /* ABI 5 */
#define FS_FILE_ONLY (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV)

#define NET_BIND_TCP (1ULL << 0)
#define NET_CONNECT_TCP (1ULL << 1)

#define SCOPE_ABSTRACT_UNIX (1ULL << 0)
#define SCOPE_SIGNAL (1ULL << 1)

static void die(int code, const char *fmt, const char *arg) {
  fprintf(stderr, "nc-landlock: error: ");
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  exit(code);
}

struct nc_cap_header {
  uint32_t version;
  int pid;
};
struct nc_cap_data {
  uint32_t effective, permitted, inheritable;
};
#define NC_CAP_V3 0x20080522

static void drop_caps(void) {
  /* EPERM means we lack CAP_SETPCAP, i.e. we are not root and have nothing to lose. */
  for (int c = 0; c < 64; c++)
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno == EINVAL) break;
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  struct nc_cap_header hdr = {.version = NC_CAP_V3, .pid = 0};
  struct nc_cap_data data[2];
  memset(data, 0, sizeof data);
  if (syscall(SYS_capset, &hdr, data) != 0) die(EXIT_RESTRICT, "capset failed: %s", strerror(errno));
}

static int landlock_abi(void) {
  long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, NC_VERSION_FLAG);
  return abi < 0 ? -errno : (int)abi;
}

static uint64_t fs_rights_for(int abi) {
  uint64_t r = FS_ABI1_ALL;
  if (abi >= 2) r |= FS_REFER;
  if (abi >= 3) r |= FS_TRUNCATE;
  if (abi >= 5) r |= FS_IOCTL_DEV;
  return r;
}

static void add_path(int ruleset, const char *path, uint64_t access, int required) {
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) {
    /* A read-only path missing on this distribution (say /lib64) is harmless;
       a writable one that is missing means the caller forgot to create it. */
    if (errno == ENOENT && !required) return;
    fprintf(stderr, "nc-landlock: error: cannot open %s: %s\n", path, strerror(errno));
    exit(EXIT_RULE);
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) access &= FS_FILE_ONLY;
  struct nc_path_beneath_attr attr = {.allowed_access = access, .parent_fd = fd};
  if (syscall(__NR_landlock_add_rule, ruleset, NC_RULE_PATH_BENEATH, &attr, 0) != 0) {
    fprintf(stderr, "nc-landlock: error: cannot allow %s: %s\n", path, strerror(errno));
    exit(EXIT_RULE);
  }
  close(fd);
}

static void add_port(int ruleset, const char *text, uint64_t access) {
  char *end = NULL;
  long port = strtol(text, &end, 10);
  if (!end || *end || port < 0 || port > 65535) die(EXIT_USAGE, "bad port '%s'", text);
  struct nc_net_port_attr attr = {.allowed_access = access, .port = (uint64_t)port};
  if (syscall(__NR_landlock_add_rule, ruleset, NC_RULE_NET_PORT, &attr, 0) != 0) {
    fprintf(stderr, "nc-landlock: error: cannot allow port %s: %s\n", text, strerror(errno));
    exit(EXIT_RULE);
  }
}

static int probe(void) {
  int abi = landlock_abi();
  int ok = abi > 0;
  printf("{\"abi\":%d,\"fs\":%s,\"net\":%s,\"scopeUnix\":%s,\"scopeSignal\":%s,\"netMonitor\":%s,\"error\":\"%s\"}\n",
         ok ? abi : 0, ok ? "true" : "false", abi >= 4 ? "true" : "false",
         abi >= 6 ? "true" : "false", abi >= 6 ? "true" : "false", ng_supported() ? "true" : "false",
         ok ? "" : (abi == -ENOSYS ? "ENOSYS" : abi == -EOPNOTSUPP ? "EOPNOTSUPP" : "other"));
  return ok ? 0 : EXIT_UNAVAILABLE;
}


/* ---- JSON output for the attestation ---- */

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

#define TMPFS_MAGIC_NC 0x01021994

/* "hidden" when bubblewrap covered the path with /dev/null or an empty tmpfs; "absent" when it does not exist. */
static const char *hidden_state(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT ? "absent" : "unreadable";
  if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3) return "hidden";
  if (S_ISDIR(st.st_mode)) {
    struct statfs fs;
    if (statfs(path, &fs) != 0 || (unsigned long)fs.f_type != TMPFS_MAGIC_NC) return "visible";
    DIR *d = opendir(path);
    if (!d) return "unreadable";
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = 0;
    closedir(d);
    return empty ? "hidden" : "visible";
  }
  return "visible";
}

static char *attestation; /* built before Landlock applies (it needs to look at hidden paths), written just before exec */

static void build_attestation(int abi, int net_rules, int scope_unix, int scope_signal, int no_caps, const char **cports, int ncp,
                              const char **bports, int nbp, const char **hidden, int nhid, const struct ng_config *ng) {
  size_t size = 0;
  FILE *f = open_memstream(&attestation, &size);
  if (!f) return;
  fprintf(f, "{\"type\":\"enforced\",\"landlock\":{\"abi\":%d,\"fs\":true,\"tcp\":%s,\"connectPorts\":[", abi, net_rules ? "true" : "false");
  for (int k = 0; net_rules && k < ncp; k++) fprintf(f, "%s%s", k ? "," : "", cports[k]);
  fprintf(f, "],\"bindPorts\":[");
  for (int k = 0; net_rules && k < nbp; k++) fprintf(f, "%s%s", k ? "," : "", bports[k]);
  fprintf(f, "],\"scoped\":[%s%s%s]}", scope_unix ? "\"abstract-unix\"" : "", scope_unix && scope_signal ? "," : "", scope_signal ? "\"signal\"" : "");
  fprintf(f, ",\"capsDropped\":%s,\"noNewPrivs\":true,\"netMonitor\":%s", no_caps ? "true" : "false", ng->monitor ? "true" : "false");
  if (ng->relay_unix) fprintf(f, ",\"relay\":\"127.0.0.1:%d\"", ng->relay_port);
  fprintf(f, ",\"namespaces\":{");
  const char *ns[] = {"mnt", "pid", "net", "ipc", "user", "uts", "cgroup"};
  for (int k = 0; k < 7; k++) {
    char link[64], target[128];
    snprintf(link, sizeof link, "/proc/self/ns/%s", ns[k]);
    ssize_t n = readlink(link, target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    fprintf(f, "%s\"%s\":", k ? "," : "", ns[k]);
    json_str(f, target);
  }
  fprintf(f, "},\"interfaces\":[");
  struct if_nameindex *ifs = if_nameindex();
  for (int k = 0; ifs && ifs[k].if_index; k++) {
    if (k) fputc(',', f);
    json_str(f, ifs[k].if_name);
  }
  if (ifs) if_freenameindex(ifs);
  fprintf(f, "],\"hidden\":[");
  for (int k = 0; k < nhid; k++) {
    fprintf(f, "%s{\"path\":", k ? "," : "");
    json_str(f, hidden[k]);
    fprintf(f, ",\"state\":\"%s\"}", hidden_state(hidden[k]));
  }
  fprintf(f, "]}");
  fclose(f);
}

/*
 * nc-tool-shell: what OpenClaw runs as $SHELL for the agent's exec tool.
 * Adds a nested Landlock domain (it can only narrow the agent's) from the
 * rules in $NEMOCOG_TOOL_SANDBOX ("ro:PATH" / "rw:PATH" lines), sets HOME
 * and TMPDIR from $NEMOCOG_TOOL_HOME / $NEMOCOG_TOOL_TMPDIR, then runs
 * /bin/sh with the same arguments. The rules leave out the agent's own
 * state (its config holding the gateway secret, transcripts, the plugin),
 * and a nested domain may not ptrace its parent domain either, so a tool
 * cannot read OpenClaw's memory or /proc/<pid>/environ. Without rules it
 * refuses to run: a tool is never started less confined than planned.
 */
static int tool_shell(int argc, char **argv) {
  const char *rules = getenv("NEMOCOG_TOOL_SANDBOX");
  if (!rules || !*rules) {
    fprintf(stderr, "nc-tool-shell: error: no tool sandbox rules (NEMOCOG_TOOL_SANDBOX); refusing to run the command unconfined\n");
    return 126;
  }
  int abi = landlock_abi();
  if (abi <= 0) {
    fprintf(stderr, "nc-tool-shell: error: Landlock is unavailable\n");
    return 126;
  }
  uint64_t fs_all = fs_rights_for(abi);
  struct nc_ruleset_attr attr = {.handled_access_fs = fs_all};
  if (abi >= 6) attr.scoped = SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL;
  int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0) {
    fprintf(stderr, "nc-tool-shell: error: landlock_create_ruleset failed: %s\n", strerror(errno));
    return 126;
  }
  char *copy = strdup(rules);
  for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
    if (strncmp(line, "ro:", 3) == 0) add_path(ruleset, line + 3, FS_EXECUTE | FS_READ_FILE | FS_READ_DIR, 0);
    else if (strncmp(line, "rw:", 3) == 0) add_path(ruleset, line + 3, fs_all, 0);
    else if (*line) {
      fprintf(stderr, "nc-tool-shell: error: bad rule '%s'\n", line);
      return 126;
    }
  }
  free(copy);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(__NR_landlock_restrict_self, ruleset, 0) != 0) {
    fprintf(stderr, "nc-tool-shell: error: cannot restrict the tool: %s\n", strerror(errno));
    return 126;
  }
  close(ruleset);
  /* The tool's own home and temporary folder: never the agent's (which hold its state). */
  const char *home = getenv("NEMOCOG_TOOL_HOME"), *tmp = getenv("NEMOCOG_TOOL_TMPDIR");
  if (home && *home) setenv("HOME", home, 1);
  if (tmp && *tmp) setenv("TMPDIR", tmp, 1);
  argv[0] = "/bin/sh";
  execv("/bin/sh", argv);
  fprintf(stderr, "nc-tool-shell: error: cannot run /bin/sh: %s\n", strerror(errno));
  (void)argc;
  return 127;
}

int main(int argc, char **argv) {
  const char *base = strrchr(argv[0], '/');
  base = base ? base + 1 : argv[0];
  if (strncmp(base, "nc-tool-shell", 13) == 0) return tool_shell(argc, argv);
  if (argc == 2 && strcmp(argv[1], "--probe") == 0) return probe();

  /* Parse into index lists first: the ruleset can only be sized once the ABI is known. */
  const char **ro = calloc((size_t)argc, sizeof *ro), **rw = calloc((size_t)argc, sizeof *rw);
  const char **cports = calloc((size_t)argc, sizeof *cports), **bports = calloc((size_t)argc, sizeof *bports);
  const char **hidden = calloc((size_t)argc, sizeof *hidden);
  int nro = 0, nrw = 0, ncp = 0, nbp = 0, nhid = 0, scope_unix = 0, scope_signal = 0, degraded_ok = 0,
      net_free = 0, no_caps = 0, attest = 0, i = 1;
  struct ng_config ng = {.events_fd = -1};
  if (!ro || !rw || !cports || !bports || !hidden) die(EXIT_USAGE, "%s", "out of memory");
  for (; i < argc; i++) {
    const char *a = argv[i];
    int has_value = i + 1 < argc;
    if (strcmp(a, "--") == 0) { i++; break; }
    else if (strcmp(a, "--ro") == 0 && has_value) ro[nro++] = argv[++i];
    else if (strcmp(a, "--rw") == 0 && has_value) rw[nrw++] = argv[++i];
    else if (strcmp(a, "--connect-port") == 0 && has_value) cports[ncp++] = argv[++i];
    else if (strcmp(a, "--bind-port") == 0 && has_value) bports[nbp++] = argv[++i];
    else if (strcmp(a, "--scope-unix") == 0) scope_unix = 1;
    else if (strcmp(a, "--scope-signal") == 0) scope_signal = 1;
    else if (strcmp(a, "--allow-degraded") == 0) degraded_ok = 1;
    else if (strcmp(a, "--drop-caps") == 0) no_caps = 1;
    else if (strcmp(a, "--unrestricted-net") == 0) net_free = 1;
    else if (strcmp(a, "--monitor-net") == 0) ng.monitor = 1;
    else if (strcmp(a, "--attest") == 0) attest = 1;
    else if (strcmp(a, "--hidden") == 0 && has_value) hidden[nhid++] = argv[++i];
    else if (strcmp(a, "--events-fd") == 0 && has_value) {
      char *end = NULL;
      long fd = strtol(argv[++i], &end, 10);
      if (!end || *end || fd < 3 || fcntl((int)fd, F_GETFD) < 0) die(EXIT_USAGE, "bad --events-fd '%s' (not an open fd >= 3)", argv[i]);
      ng.events_fd = (int)fd;
    } else if (strcmp(a, "--allow-tcp") == 0 && has_value) {
      if (ng.nallow >= NG_MAX_ALLOW || ng_parse_allow(argv[++i], &ng.allow[ng.nallow]) != 0) die(EXIT_USAGE, "bad --allow-tcp '%s' (IPV4:PORT)", argv[i]);
      ng.nallow++;
    } else if (strcmp(a, "--relay") == 0 && has_value) {
      char *spec = argv[++i], *eq = strchr(spec, '='), *end = NULL;
      long port = eq ? strtol(spec, &end, 10) : -1;
      if (!eq || end != eq || port <= 0 || port > 65535 || !eq[1]) die(EXIT_USAGE, "bad --relay '%s' (PORT=UNIX_SOCKET)", spec);
      ng.relay_port = (int)port;
      ng.relay_unix = eq + 1;
    } else die(EXIT_USAGE, "unknown or incomplete option '%s' (see the header of nc-landlock.c)", a);
  }
  if (i >= argc) die(EXIT_USAGE, "%s", "no command given after '--'");

  int abi = landlock_abi();
  if (abi <= 0) {
    if (abi == -ENOSYS)
      die(EXIT_UNAVAILABLE, "%s", "this kernel has no Landlock support (needs Linux >= 5.13 built with CONFIG_SECURITY_LANDLOCK)");
    die(EXIT_UNAVAILABLE, "%s", "Landlock is disabled on this kernel: add 'landlock' to the lsm= boot parameter");
  }
  int want_net = !net_free, want_scope = scope_unix || scope_signal;
  if ((want_net && abi < 4) || (want_scope && abi < 6)) {
    char msg[200];
    snprintf(msg, sizeof msg, "kernel Landlock ABI %d lacks %s (needs ABI %d)", abi,
             want_net && abi < 4 ? "TCP port rules" : "IPC scoping", want_net && abi < 4 ? 4 : 6);
    if (!degraded_ok) die(EXIT_DEGRADED, "%s; pass --allow-degraded to run without it", msg);
    fprintf(stderr, "nc-landlock: warning: %s; running degraded\n", msg);
  }

  if (attest) {
    build_attestation(abi, want_net && abi >= 4, scope_unix && abi >= 6, scope_signal && abi >= 6, no_caps, cports, ncp, bports, nbp,
                      hidden, nhid, &ng);
  }
  /* The guard (relay + monitor) must stay outside the Landlock domain: fork before restricting. */
  if (ng.relay_unix || ng.monitor) {
    ng_prepare(&ng);
    ng_fork_and_guard(&ng); /* returns in the child only */
  }

  uint64_t fs_all = fs_rights_for(abi);
  struct nc_ruleset_attr attr = {.handled_access_fs = fs_all};
  if (want_net && abi >= 4) attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP;
  if (abi >= 6) {
    if (scope_unix) attr.scoped |= SCOPE_ABSTRACT_UNIX;
    if (scope_signal) attr.scoped |= SCOPE_SIGNAL;
  }
  /* The kernel accepts a larger struct as long as the fields it does not know are zero. */
  int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0) die(EXIT_RULE, "landlock_create_ruleset failed: %s", strerror(errno));

  for (int k = 0; k < nro; k++) add_path(ruleset, ro[k], FS_EXECUTE | FS_READ_FILE | FS_READ_DIR, 0);
  for (int k = 0; k < nrw; k++) add_path(ruleset, rw[k], fs_all, 1);
  if (attr.handled_access_net) {
    for (int k = 0; k < ncp; k++) add_port(ruleset, cports[k], NET_CONNECT_TCP);
    for (int k = 0; k < nbp; k++) add_port(ruleset, bports[k], NET_BIND_TCP);
  }

  if (no_caps) drop_caps();
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die(EXIT_RESTRICT, "PR_SET_NO_NEW_PRIVS failed: %s", strerror(errno));
  if (syscall(__NR_landlock_restrict_self, ruleset, 0) != 0) die(EXIT_RESTRICT, "landlock_restrict_self failed: %s", strerror(errno));
  close(ruleset);

  /* If whoever started us dies (an editor killed with -9), the agent goes
     with it instead of running on unsupervised. Survives execve. */
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid() != parent) _exit(EXIT_RESTRICT);
  if (ng.events_fd >= 0) {
    if (attestation) ng_event(ng.events_fd, attestation);
    fcntl(ng.events_fd, F_SETFD, FD_CLOEXEC); /* the command never holds it */
  }
  execvp(argv[i], &argv[i]);
  int err = errno;
  fprintf(stderr, "nc-landlock: error: cannot run %s: %s\n", argv[i], strerror(err));
  return err == ENOENT ? 127 : 126;
}
