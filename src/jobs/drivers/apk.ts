// jobs/drivers: Alpine — apk. apk never prompts unless told to (-i or /etc/apk/interactive), so
// no flag is needed; --no-interactive only exists in newer apk-tools.
import { NETWORK, Rule } from './classify';
import { Driver, lines, Pending, words } from './driver';

/** "curl-8.5.0-r0 x86_64 {curl} (curl) [upgradable from: curl-8.4.0-r0]" */
const APK_LINE = /^(\S+?)-(\d[^-\s]*-r\d+)\s+\S+\s+\{[^}]*\}\s+\([^)]*\)\s*(?:\[(?:installed|upgradable from: (\S+?)-(\d[^-\s]*-r\d+))\])?/;

export const APK_RULES: Rule[] = [
  { re: /Unable to lock database: (?:Permission denied|Read-only file system)/i, transient: false, reason: () => 'apk: permission denied on the package database (not root: turn on sudo for this credential)' },
  { re: /Unable to lock database/i, transient: true, reason: () => 'apk database locked by another apk process' },
  { re: /^\s*(\S+) \(no such package\)/m, transient: false, reason: (m) => `apk: no such package ${m[1]}` },
  { re: /^\s*(\S+ \(missing\)):/m, transient: false, reason: (m) => `apk: ${m[1]}` },
  { re: /^\s*(\S+ (?:conflicts|breaks): .*)$/m, transient: false, reason: (m) => `apk: conflict: ${m[1].trim()}` },
  { re: /temporary error \(try again later\)|DNS lookup error|network error|Connection refused/i, transient: true, reason: (m) => `apk: mirror unreachable (${m[0]})` },
  ...NETWORK,
];

export const apk: Driver = {
  tool: 'apk',
  query: (names) => ({ line: `apk list --installed -- ${words(names)}`, query: true }),
  parseQuery(r, names) {
    const out = new Map<string, string>();
    for (const l of lines(r.stdout)) {
      const m = APK_LINE.exec(l);
      if (m && names.includes(m[1]) && /\[installed|\[upgradable/.test(l)) out.set(m[1], m[2]);
    }
    return out;
  },
  refresh: (action) => (action === 'uninstall' ? undefined : { line: 'apk update', privileged: true }),
  pending: (names) => ({ line: names ? `apk list --upgradable -- ${words(names)}` : 'apk list --upgradable', query: true }),
  parsePending(r, names) {
    const out: Pending[] = [];
    for (const l of lines(r.stdout)) {
      const m = APK_LINE.exec(l);
      if (m && m[4] && (!names || names.includes(m[1]))) out.push({ name: m[1], from: m[5], to: m[2] });
    }
    return out;
  },
  change(action, names) {
    const line =
      action === 'install' ? `apk add -- ${words(names)}`
      : action === 'uninstall' ? `apk del -- ${words(names)}`
      : names.length ? `apk add --upgrade -- ${words(names)}`
      : 'apk upgrade';
    return { line, privileged: true };
  },
  rules: APK_RULES,
};
