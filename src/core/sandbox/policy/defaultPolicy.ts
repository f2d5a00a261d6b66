/**
 * The policy written to `.nemocognition/policy.yaml` when a workspace has
 * none. It is OpenShell's format, so the same file can be given to
 * `openshell policy set` for a NemoClaw sandbox.
 */

export const DEFAULT_POLICY_PATH = '.nemocognition/policy.yaml';

export const DEFAULT_POLICY_YAML = `# NemoCognition sandbox policy, in OpenShell's policy format
# (docs.nvidia.com/openshell: "Policy Schema Reference").
#
# The local sandbox enforces it in the kernel with Landlock: paths not listed
# here cannot be opened at all, writes outside read_write fail with
# "Permission denied", and TCP connections go only to the ports listed under
# network_policies. Where bubblewrap is installed, the agent also gets its own
# /tmp, its own process table, and cannot see the Docker socket, the SSH agent
# or /run/user.
#
# Variables:
#   \${workspace}  the branch's sandbox folder (always writable)
#   \${state}      the agent's private state folder (added for every run)
#   \${tmp}        the sandbox's private temporary folder (always writable)
#   \${home}       the sandbox's private home folder
#   \${runtime}    the folder holding the agent's runtime (e.g. Node 24)
version: 1

filesystem_policy:
  include_workdir: true
  # Readable (and executable), never writable.
  read_only:
    - /usr
    - /bin
    - /sbin
    - /lib
    - /lib32
    - /lib64
    - /etc
    - /proc
    - /sys/fs/cgroup
    - /sys/devices/system/cpu
    - \${runtime}
  # Writable besides the workspace and the private /tmp. Add build caches here
  # if the agent needs them (e.g. a package manager's cache folder).
  read_write:
    - \${state}

# hard_requirement: refuse to run on a kernel that cannot enforce every rule
# (TCP port rules need Linux >= 6.7). best_effort runs anyway, with a warning.
landlock:
  compatibility: hard_requirement

# NemoCognition adds its model gateway and supervisor (127.0.0.1, random port)
# to every run by itself. List here anything else the agent may connect to.
# The local sandbox filters by TCP port only (any host on a listed port is
# reachable); OpenShell also checks the host, binary and request.
network_policies: {}
#  nvidia_nim:
#    name: nvidia-nim
#    endpoints:
#      - host: integrate.api.nvidia.com
#        port: 443
`;
