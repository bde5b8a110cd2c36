// jobs/drivers: macOS — Homebrew. brew refuses to run as root, so nothing here goes through
// sudo; the SSH user must own the Homebrew prefix. A non-interactive SSH session has no
// /opt/homebrew/bin (Apple silicon) or /usr/local/bin (Intel) in PATH unless the shell's
// profile adds it: the fixed prefix below does.
import { NETWORK, Rule } from './classify';
import { Driver, lines, Pending, words } from './driver';

export const BREW =
  'PATH="/opt/homebrew/bin:/usr/local/bin:$PATH" HOMEBREW_NO_AUTO_UPDATE=1 HOMEBREW_NO_INSTALL_CLEANUP=1 HOMEBREW_NO_ENV_HINTS=1 HOMEBREW_NO_ANALYTICS=1 brew';

/** the token brew prints for user/tap/token */
const short = (name: string) => name.split('/').pop()!;

export const BREW_RULES: Rule[] = [
  { re: /Running Homebrew as root is extremely dangerous/, transient: false, reason: () => 'brew refuses to run as root: use an account that owns the Homebrew prefix, without sudo' },
  { re: /No available formula(?: or cask)? with the name "([^"]+)"/, transient: false, reason: (m) => `brew: no formula or cask named ${m[1]}` },
  { re: /No (?:formulae or casks|casks?|formulae) found for "?([^"\s]+?)"?\.?$/m, transient: false, reason: (m) => `brew: no formula or cask named ${m[1]}` },
  { re: /No such keg: \S*?\/([^/\s]+)$/m, transient: false, reason: (m) => `brew: ${m[1]} is not installed` },
  { re: /has already locked|Another active Homebrew (?:\S+ )?process is already in progress/, transient: true, reason: () => 'brew: another Homebrew process holds the lock' },
  ...NETWORK,
  { re: /curl: \((\d+)\) ([^\n]+)/, transient: true, reason: (m) => `brew: download failed: curl (${m[1]}) ${m[2].trim()}` },
];

export const brew: Driver = {
  tool: 'brew',
  query: (names) => ({ line: `${BREW} list --versions ${words(names)}`, query: true }),
  parseQuery(r, names) {
    const wanted = new Map(names.map((n) => [short(n), n]));
    const out = new Map<string, string>();
    // "wget 1.24.5" or, with several kegs, "python@3.12 3.12.1 3.12.2": the last is the newest
    for (const l of lines(r.stdout)) {
      const tokens = l.trim().split(/\s+/);
      const name = wanted.get(tokens[0]);
      if (name && tokens.length > 1) out.set(name, tokens[tokens.length - 1]);
    }
    return out;
  },
  refresh: (action) => (action === 'uninstall' ? undefined : { line: `${BREW} update --quiet` }),
  pending: (names) => ({ line: names ? `${BREW} outdated --json=v2 ${words(names)}` : `${BREW} outdated --json=v2`, query: true }),
  pendingOk: (r) => (r.code === 0 || r.code === 1) && r.stdout.trim().startsWith('{'),
  parsePending(r, names) {
    const doc = JSON.parse(r.stdout) as { formulae?: BrewOutdated[]; casks?: BrewOutdated[] };
    const wanted = names ? new Map(names.map((n) => [short(n), n])) : undefined;
    const out: Pending[] = [];
    for (const p of [...(doc.formulae ?? []), ...(doc.casks ?? [])]) {
      if (p.pinned) continue; // brew upgrade leaves pinned formulae alone
      const installed = Array.isArray(p.installed_versions) ? p.installed_versions[p.installed_versions.length - 1] : p.installed_versions;
      const name = wanted ? wanted.get(p.name) : p.name;
      if (name) out.push({ name, from: installed, to: p.current_version });
    }
    return out;
  },
  change(action, names) {
    const verb = action === 'install' ? 'install' : action === 'uninstall' ? 'uninstall' : 'upgrade';
    return { line: names.length ? `${BREW} ${verb} ${words(names)}` : `${BREW} upgrade` };
  },
  rules: BREW_RULES,
};

interface BrewOutdated {
  name: string;
  installed_versions?: string[] | string;
  current_version?: string;
  pinned?: boolean;
}
