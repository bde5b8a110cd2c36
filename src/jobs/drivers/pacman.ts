// jobs/drivers: Arch — pacman. Named installs and upgrades use the sync database as it is (a
// bare -Sy before -S would be a partial upgrade, which Arch does not support); patching
// (upgrade everything) is the supported -Syu.
import { NETWORK, Rule } from './classify';
import { Driver, lines, Pending, words } from './driver';

export const PACMAN_RULES: Rule[] = [
  { re: /you cannot perform this operation unless you are root/, transient: false, reason: () => 'pacman: permission denied (not root: turn on sudo for this credential)' },
  { re: /target not found: (\S+)/, transient: false, reason: (m) => `pacman: target not found: ${m[1]}` },
  { re: /could not lock database|unable to lock database/, transient: true, reason: () => 'pacman database locked (/var/lib/pacman/db.lck: another pacman is running, or a stale lock)' },
  { re: /failed to prepare transaction \(([^)]+)\)/, transient: false, reason: (m) => `pacman: ${m[1]}` },
  { re: /failed to commit transaction \(([^)]+)\)/, transient: false, reason: (m) => `pacman: ${m[1]}` },
  ...NETWORK,
  { re: /failed retrieving file '([^']+)'|failed to synchronize all databases/, transient: true, reason: (m) => `pacman: download failed${m[1] ? ` (${m[1]})` : ''}` },
];

export const pacman: Driver = {
  tool: 'pacman',
  query: (names) => ({ line: `pacman -Q -- ${words(names)}`, query: true }),
  parseQuery(r, names) {
    const out = new Map<string, string>();
    for (const l of lines(r.stdout)) {
      const [name, version] = l.trim().split(/\s+/);
      if (name && version && names.includes(name)) out.set(name, version);
    }
    return out;
  },
  refresh: (action, all) => (action === 'upgrade' && all ? { line: 'pacman -Sy --noconfirm', privileged: true } : undefined),
  pending: (names) => ({ line: names ? `pacman -Qu -- ${words(names)}` : 'pacman -Qu', query: true }),
  // 1 with nothing printed: nothing to upgrade
  pendingOk: (r) => r.code === 0 || (r.code === 1 && !/error:/.test(r.stderr)),
  parsePending(r) {
    const out: Pending[] = [];
    // "linux 6.6.7.arch1-1 -> 6.6.8.arch1-1" (an "[ignored]" suffix when IgnorePkg holds it)
    for (const m of r.stdout.matchAll(/^(\S+) (\S+) -> (\S+)$/gm)) out.push({ name: m[1], from: m[2], to: m[3] });
    return out;
  },
  change(action, names) {
    const line =
      action === 'uninstall' ? `pacman -R --noconfirm -- ${words(names)}`
      : names.length ? `pacman -S --noconfirm --needed -- ${words(names)}`
      : 'pacman -Su --noconfirm';
    return { line, privileged: true };
  },
  rules: PACMAN_RULES,
};
