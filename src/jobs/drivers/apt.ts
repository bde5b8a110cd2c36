// jobs/drivers: Debian and Ubuntu — dpkg-query for state, apt-get for changes, never the `apt`
// front end (its CLI is not stable for scripts).
import { NETWORK, Rule } from './classify';
import { Driver, lines, Pending, words } from './driver';

const APT_GET = 'apt-get -y -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';
const NONINTERACTIVE = { DEBIAN_FRONTEND: 'noninteractive' };

function lockName(path: string): string {
  if (path.startsWith('/var/lib/dpkg/')) return 'dpkg lock';
  if (path.startsWith('/var/lib/apt/lists/')) return 'apt lists lock';
  if (path.startsWith('/var/cache/apt/')) return 'apt cache lock';
  return `lock ${path}`;
}

export const APT_RULES: Rule[] = [
  // a lock file that cannot even be opened is a permissions problem, not a busy lock
  { re: /Could not open lock file (\S+) - open \(13: Permission denied\)|are you root\?/, transient: false, reason: () => 'apt-get: permission denied on the package database (not root: turn on sudo for this credential)' },
  { re: /dpkg was interrupted, you must manually run '([^']+)'/, transient: false, reason: (m) => `dpkg was interrupted earlier: run '${m[1]}' on the host first` },
  { re: /Could not get lock (\S+?)\.? It is held by process (\d+) \(([^)]+)\)/, transient: true, reason: (m) => `${lockName(m[1])} held by another process (${m[3]}, pid ${m[2]})` },
  { re: /Could not get lock (\S+?) - open \(11: Resource temporarily unavailable\)/, transient: true, reason: (m) => `${lockName(m[1])} held by another process` },
  { re: /Unable to acquire the dpkg frontend lock/, transient: true, reason: () => 'dpkg lock held by another process' },
  { re: /Unable to locate package (\S+)/, transient: false, reason: (m) => `apt-get: Unable to locate package ${m[1]}` },
  { re: /Package '?([^'\s]+)'? has no installation candidate/, transient: false, reason: (m) => `apt-get: package ${m[1]} has no installation candidate` },
  { re: /Package '?([^'\s]+)'? is a virtual package provided by/, transient: false, reason: (m) => `apt-get: ${m[1]} is a virtual package: name the package that provides it` },
  { re: /^\s*(\S+ : Depends: .*)$/m, transient: false, reason: (m) => `apt-get: unmet dependencies: ${m[1].trim()}` },
  { re: /Unable to correct problems, you have held broken packages/, transient: false, reason: () => 'apt-get: unmet dependencies (held broken packages)' },
  { re: /dpkg: error processing (?:package|archive) (\S+) \(([^)]+)\)/, transient: false, reason: (m) => `dpkg: error processing package ${m[1]} (${m[2]})` },
  { re: /Hash Sum mismatch/, transient: true, reason: () => 'apt-get: hash sum mismatch (mirror being updated)' },
  ...NETWORK,
  { re: /Failed to fetch (\S+)\s*(.*)/, transient: true, reason: (m) => `apt-get: failed to fetch ${m[1]}${m[2] ? ` (${m[2].trim()})` : ''}` },
  { re: /Sub-process \/usr\/bin\/dpkg returned an error code \((\d+)\)/, transient: false, reason: (m) => `dpkg returned error code ${m[1]}` },
];

export const apt: Driver = {
  tool: 'apt-get',
  query: (names) => ({ line: `dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\t\${Version}\\n' -- ${words(names)}`, query: true }),
  parseQuery(r) {
    const out = new Map<string, string>();
    for (const l of lines(r.stdout)) {
      const [name, status, version] = l.split('\t');
      // second letter of the abbreviated status: i installed, W/t installed with triggers pending
      if (name && status && /^.[iWt]/.test(status) && !out.has(name)) out.set(name, (version ?? '').trim());
    }
    return out;
  },
  refresh: (action) => (action === 'uninstall' ? undefined : { line: 'apt-get -o DPkg::Lock::Timeout=120 update', privileged: true, env: NONINTERACTIVE }),
  pending: (names) =>
    names ? { line: `apt-cache policy -- ${words(names)}`, query: true } : { line: 'apt-get -s --with-new-pkgs upgrade', query: true },
  parsePending(r, names) {
    const out: Pending[] = [];
    if (names) {
      // "name:\n  Installed: 1.0\n  Candidate: 1.1"
      for (const block of r.stdout.split(/^(?=\S)/m)) {
        const name = /^(\S+):\s*$/m.exec(block)?.[1];
        const from = /^\s+Installed: (\S+)/m.exec(block)?.[1];
        const to = /^\s+Candidate: (\S+)/m.exec(block)?.[1];
        if (name && from && to && from !== '(none)' && to !== '(none)' && from !== to) out.push({ name, from, to });
      }
      return out;
    }
    // simulation: "Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])"; new packages have no [old]
    for (const m of r.stdout.matchAll(/^Inst (\S+) \[([^\]]+)\] \((\S+)/gm)) out.push({ name: m[1], from: m[2], to: m[3] });
    return out;
  },
  change(action, names) {
    const args = words(names);
    const line =
      action === 'install' ? `${APT_GET} install -- ${args}`
      : action === 'uninstall' ? `${APT_GET} remove -- ${args}`
      : names.length ? `${APT_GET} install --only-upgrade -- ${args}`
      : `${APT_GET} --with-new-pkgs upgrade`;
    return { line, privileged: true, env: NONINTERACTIVE };
  },
  reboot: { cmd: { line: 'test -e /var/run/reboot-required', query: true }, required: (r) => r.code === 0 },
  rules: APT_RULES,
};
