// discovery/: host names in a scan's exclusions, resolved when the scan is created. An
// exclusion protects a machine, and a scan reaches machines by address: "ups.example" must keep
// the scan away from the UPS's address, not only from a target written "ups.example". The
// addresses are stored with the scan, so every worker leaves out the same ones.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parseTarget, TargetError } from '../common/targets';

/** How long one name may take to resolve before the scan is refused (or, for the server's list, goes on without it). */
const LOOKUP_TIMEOUT_MS = 5_000;

export interface ResolvedExclusions {
  /** the exclusions as given, each host name followed by the addresses it resolved to (once each) */
  list: string[];
  /** host names that did not resolve, by their position in the list given */
  unresolved: Array<{ index: number; name: string; why: string }>;
}

async function resolveName(name: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: `no answer within ${LOOKUP_TIMEOUT_MS / 1000} s` })), LOOKUP_TIMEOUT_MS)));
  try {
    const found = await Promise.race([lookup(name, { all: true }), timeout]);
    return found.map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
}

/** Host names a scan looks up as it starts: each one may wait LOOKUP_TIMEOUT_MS. */
export const MAX_EXCLUDED_NAMES = 50;

/** The host name an exclusion is, or null (an address, range or block, or not valid at all). */
function nameOf(text: string): string | null {
  try {
    const t = parseTarget(text);
    return t.kind === 'host' && !isIP(t.text) ? t.text : null;
  } catch (err) {
    if (err instanceof TargetError) return null; // reported by the syntax check
    throw err;
  }
}

/** The host names among exclusions, with their positions. */
export function exclusionNames(exclude: string[]): Array<{ index: number; name: string }> {
  return exclude.flatMap((text, index) => {
    const name = nameOf(text);
    return name ? [{ index, name }] : [];
  });
}

/** Resolves the host names among exclusions that already parsed (addresses, ranges and blocks pass as they are). */
export async function resolveExclusionNames(exclude: string[]): Promise<ResolvedExclusions> {
  const names = exclusionNames(exclude);
  const found = new Map(await Promise.all(names.map(async ({ index, name }) => [index, await resolveName(name).then((a) => ({ name, a }), (err: NodeJS.ErrnoException) => ({ name, err }))] as const)));
  const list: string[] = [];
  const unresolved: ResolvedExclusions['unresolved'] = [];
  exclude.forEach((text, i) => {
    if (!list.includes(text)) list.push(text);
    const r = found.get(i);
    if (!r) return;
    if ('err' in r) unresolved.push({ index: i, name: r.name, why: r.err.code ?? r.err.message });
    else for (const a of r.a) if (!list.includes(a)) list.push(a);
  });
  return { list, unresolved };
}
