// jobs/drivers: RPM systems — rpm -q for state; dnf (RHEL 8+, Fedora), yum (RHEL/CentOS 7,
// Amazon Linux 2) and zypper (SUSE) for changes and pending updates.
import { ExecResult } from '../../protocols/ssh/ssh.client';
import { NETWORK, Rule } from './classify';
import { Cmd } from './host';
import { Driver, lines, Pending, words } from './driver';
import { SoftwareAction } from './types';

const RPM_QUERY = "rpm -q --qf '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\n'";

/**
 * Each package's version; of a package installed several times side by side (kernel,
 * kernel-core: rpm keeps the last few), the newest, as rpm orders them. The first line was the
 * oldest kernel, the same before and after an upgrade, which then failed as "still at".
 */
export function parseRpmQuery(r: ExecResult): Map<string, string> {
  const out = new Map<string, string>();
  // "package foo is not installed" lines have no tab
  for (const l of lines(r.stdout)) {
    const [name, raw] = l.split('\t');
    if (!name || raw === undefined) continue;
    const version = raw.trim();
    const known = out.get(name);
    if (known === undefined || rpmEvrCompare(version, known) > 0) out.set(name, version);
  }
  return out;
}

/** rpm's ordering of [epoch:]version-release strings: < 0, 0 or > 0. */
export function rpmEvrCompare(a: string, b: string): number {
  const split = (evr: string) => {
    const m = /^(?:(\d+):)?(.*?)(?:-([^-]*))?$/.exec(evr)!;
    return { epoch: Number(m[1] ?? 0), version: m[2], release: m[3] ?? '' };
  };
  const x = split(a);
  const y = split(b);
  return Math.sign(x.epoch - y.epoch) || rpmvercmp(x.version, y.version) || rpmvercmp(x.release, y.release);
}

/** rpm's rpmvercmp: runs of digits compare as numbers and beat letters, letters as text; "~" sorts before anything, "^" after the version it follows. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && !/[A-Za-z0-9~^]/.test(a[i])) i++;
    while (j < b.length && !/[A-Za-z0-9~^]/.test(b[j])) j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++, j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++, j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = /\d/.test(a[i]);
    const run = numeric ? /^\d+/ : /^[A-Za-z]+/;
    const sa = run.exec(a.slice(i))?.[0] ?? '';
    const sb = run.exec(b.slice(j))?.[0] ?? '';
    if (!sb) return numeric ? 1 : -1; // a number beats letters
    i += sa.length;
    j += sb.length;
    if (numeric) {
      const na = sa.replace(/^0+/, '');
      const nb = sb.replace(/^0+/, '');
      if (na.length !== nb.length) return na.length > nb.length ? 1 : -1;
      if (na !== nb) return na > nb ? 1 : -1;
    } else if (sa !== sb) return sa > sb ? 1 : -1;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

const PERMISSION = 'permission denied (not root: turn on sudo for this credential)';

export const DNF_RULES: Rule[] = [
  { re: /This command has to be run with superuser privileges|You need to be root to perform this command/, transient: false, reason: () => `dnf: ${PERMISSION}` },
  { re: /No match for argument:? (\S+)/, transient: false, reason: (m) => `dnf: No match for argument: ${m[1]}` },
  { re: /Unable to find a match:? (.+)/, transient: false, reason: (m) => `dnf: Unable to find a match: ${m[1]}` },
  { re: /No package (\S+) available/, transient: false, reason: (m) => `yum: No package ${m[1]} available` },
  { re: /Waiting for process with pid (\d+) to finish/, transient: true, reason: (m) => `rpm database locked by another process (pid ${m[1]})` },
  { re: /Another app is currently holding the yum lock[\s\S]*?PID: (\d+)|Another app is currently holding the yum lock/i, transient: true, reason: (m) => `yum lock held by another process${m[1] ? ` (pid ${m[1]})` : ''}` },
  { re: /Error in (PRE|POST)(IN|UN|TRANS) scriptlet in rpm package (\S+)/, transient: false, reason: (m) => `rpm: ${m[1].toLowerCase()}${m[2].toLowerCase()} scriptlet of ${m[3]} failed` },
  { re: /GPG check FAILED|Public key for (\S+) is not installed/, transient: false, reason: (m) => `dnf: GPG check failed${m[1] ? ` for ${m[1]}` : ''}` },
  { re: /^\s*Problem(?: \d+)?: (.+)$/m, transient: false, reason: (m) => `dnf: dependency problem: ${m[1].trim()}` },
  { re: /Transaction (?:test |check )?error/, transient: false, reason: () => 'dnf: transaction check failed (file conflicts or dependencies)' },
  ...NETWORK,
  { re: /Failed to download metadata for repo '([^']+)'|Cannot retrieve repository metadata \(repomd\.xml\) for repository: (\S+)/, transient: true, reason: (m) => `dnf: failed to download metadata for repo ${m[1] ?? m[2]}` },
  { re: /Curl error \((\d+)\): ([^[\n]+)/, transient: true, reason: (m) => `dnf: download failed: curl error ${m[1]}: ${m[2].trim()}` },
  { re: /Cannot download|Cannot find a valid baseurl for repo: (\S+)/, transient: true, reason: (m) => `dnf: download failed${m[1] ? ` (repo ${m[1]})` : ''}` },
];

function dnfLike(tool: 'dnf' | 'yum'): Driver {
  return {
    tool,
    query: (names) => ({ line: `${RPM_QUERY} -- ${words(names)}`, query: true }),
    parseQuery: parseRpmQuery,
    // check-update refreshes expired metadata itself; as root it shares the system cache
    // no `--` before names for dnf/yum (dnf5's parser is not getopt); names never start with "-"
    pending: (names) => ({ line: names ? `${tool} -q check-update ${words(names)}` : `${tool} -q check-update`, privileged: true, query: true }),
    // 100: updates available, 0: none
    pendingOk: (r) => r.code === 0 || r.code === 100,
    parsePending(r, names) {
      const out: Pending[] = [];
      // without a terminal dnf and yum print 80 columns: a name too long for its column ends the
      // line, and the version and repository follow, indented, on the next one
      const joined = r.stdout.replace(/\n[ \t]+(?=\S)/g, ' ');
      for (const l of lines(joined)) {
        if (/^(Obsoleting|Security:)/.test(l)) break;
        const m = /^(\S+)\.([^.\s]+)\s+(\S+)\s+(\S+)$/.exec(l);
        if (m && (!names || names.includes(m[1]))) out.push({ name: m[1], to: m[3] });
      }
      return out;
    },
    change(action: SoftwareAction, names: string[]): Cmd {
      const verb = action === 'install' ? 'install' : action === 'uninstall' ? 'remove' : 'upgrade';
      return { line: names.length ? `${tool} -y ${verb} ${words(names)}` : `${tool} -y ${verb}`, privileged: true };
    },
    // needs-restarting (dnf-utils / yum-utils): exit 1 = reboot required, 0 = not; missing = unknown, taken as no
    reboot: { cmd: { line: 'needs-restarting -r', query: true }, required: (r) => r.code === 1 && /Reboot is required/i.test(r.stdout) },
    rules: tool === 'dnf' ? DNF_RULES : DNF_RULES.map((x) => ({ ...x, reason: (m: RegExpExecArray) => x.reason(m).replace(/^dnf:/, 'yum:') })),
  };
}

export const dnf = dnfLike('dnf');
export const yum = dnfLike('yum');

/** zypper's exit codes (zypper(8), EXIT CODES) */
const Z = { LOCKED: 7, PRIVILEGES: 5, CAP_NOT_FOUND: 104, REBOOT_NEEDED: 102 };
/** informational codes ≥100 that still mean "done" (update/reboot/restart needed, repos skipped, a %post script failed) */
const ZYPPER_DONE = new Set([0, 100, 101, 102, 103, 106, 107]);

export const ZYPPER_RULES: Rule[] = [
  { re: /System management is locked by the application with pid (\d+) \(([^)]+)\)/, transient: true, reason: (m) => `zypper: package management locked by another process (${m[2]}, pid ${m[1]})` },
  { code: Z.LOCKED, transient: true, reason: () => 'zypper: package management locked by another process' },
  { re: /Root privileges are required/, transient: false, reason: () => `zypper: ${PERMISSION}` },
  { code: Z.PRIVILEGES, transient: false, reason: () => `zypper: ${PERMISSION}` },
  { re: /No provider of '([^']+)' found/, transient: false, reason: (m) => `zypper: No provider of '${m[1]}' found` },
  { re: /Package '([^']+)' not found/, transient: false, reason: (m) => `zypper: package '${m[1]}' not found` },
  { code: Z.CAP_NOT_FOUND, transient: false, reason: () => 'zypper: package not found' },
  { re: /^\s*Problem(?: \d+)?: (.+)$/m, transient: false, reason: (m) => `zypper: dependency problem: ${m[1].trim()}` },
  ...NETWORK,
  { re: /Download \(curl\) error for '([^']+)'|Problem retrieving files from '([^']+)'/, transient: true, reason: (m) => `zypper: download failed (${m[1] ?? m[2]})` },
];

export const zypper: Driver = {
  tool: 'zypper',
  query: (names) => ({ line: `${RPM_QUERY} -- ${words(names)}`, query: true }),
  parseQuery: parseRpmQuery,
  pending: () => ({ line: 'zypper --non-interactive list-updates', privileged: true, query: true }),
  pendingOk: (r) => r.code !== null && ZYPPER_DONE.has(r.code),
  parsePending(r, names) {
    // "v | Main Update Repository | curl | 8.0.1-11.86.1 | 8.0.1-11.95.1 | x86_64"
    const out: Pending[] = [];
    for (const l of lines(r.stdout)) {
      const cols = l.split('|').map((c) => c.trim());
      if (cols.length < 6 || cols[0] !== 'v') continue;
      if (!names || names.includes(cols[2])) out.push({ name: cols[2], from: cols[3], to: cols[4] });
    }
    return out;
  },
  change(action, names) {
    const line =
      action === 'install' ? `zypper --non-interactive install --auto-agree-with-licenses -- ${words(names)}`
      : action === 'uninstall' ? `zypper --non-interactive remove -- ${words(names)}`
      : names.length ? `zypper --non-interactive update --auto-agree-with-licenses -- ${words(names)}`
      : 'zypper --non-interactive update --auto-agree-with-licenses';
    return { line, privileged: true };
  },
  changeOk: (r) => r.code !== null && ZYPPER_DONE.has(r.code),
  changeNeedsReboot: (r) => r.code === Z.REBOOT_NEEDED,
  // zypper needs-rebooting: 102 when a core package changed since boot
  reboot: { cmd: { line: 'zypper needs-rebooting', query: true }, required: (r) => r.code === Z.REBOOT_NEEDED },
  rules: ZYPPER_RULES,
};
