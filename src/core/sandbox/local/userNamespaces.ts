/**
 * Why bubblewrap may be unable to create namespaces here: distributions
 * restrict unprivileged user namespaces in different ways (Ubuntu 23.10+
 * through AppArmor, Debian's and older Ubuntu's sysctl, a zero namespace
 * limit in containers). Read from /proc so that an error can name the cause
 * and the fix instead of repeating bwrap's "Operation not permitted".
 *
 * The tools' nested sandbox does not depend on this: it is a nested Landlock
 * domain, which needs no namespace at all (see toolSandbox.ts).
 */
import { readFileSync } from 'node:fs';

export interface UserNamespaceRestriction {
  setting: string;
  note: string;
  fix: string;
}

function readNumber(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Restrictions in force for a process without CAP_SYS_ADMIN (root is not affected by them). */
export function userNamespaceRestrictions(read: (path: string) => number | undefined = readNumber, isRoot = process.getuid?.() === 0): UserNamespaceRestriction[] {
  if (isRoot) return [];
  const out: UserNamespaceRestriction[] = [];
  if (read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === 1) {
    out.push({
      setting: 'kernel.apparmor_restrict_unprivileged_userns=1',
      note: 'AppArmor restricts unprivileged user namespaces here (kernel.apparmor_restrict_unprivileged_userns=1, Ubuntu 23.10 and later), so bubblewrap needs an AppArmor profile that allows them.',
      fix:
        'Give bwrap an AppArmor profile that allows user namespaces: write /etc/apparmor.d/bwrap containing ' +
        '`abi <abi/4.0>, include <tunables/global> profile bwrap /usr/bin/bwrap flags=(unconfined) { userns, }` ' +
        'and load it with sudo apparmor_parser -r /etc/apparmor.d/bwrap; or allow them for everyone: sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0.',
    });
  }
  if (read('/proc/sys/kernel/unprivileged_userns_clone') === 0) {
    out.push({
      setting: 'kernel.unprivileged_userns_clone=0',
      note: 'Unprivileged user namespaces are disabled here (kernel.unprivileged_userns_clone=0).',
      fix: 'sudo sysctl kernel.unprivileged_userns_clone=1 (and add it to /etc/sysctl.d to keep it), or install bubblewrap setuid (sudo chmod u+s $(command -v bwrap)).',
    });
  }
  if (read('/proc/sys/user/max_user_namespaces') === 0) {
    out.push({
      setting: 'user.max_user_namespaces=0',
      note: 'No user namespace may be created here (user.max_user_namespaces=0), as in some containers.',
      fix: 'sudo sysctl user.max_user_namespaces=15000, or run NemoCognition outside this container.',
    });
  }
  return out;
}
