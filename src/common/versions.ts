// common/: ordering software versions as the people who release them mean them, across Debian,
// RPM, Windows and SemVer styles: an epoch first (1:2.30 after 2.99), numbers as numbers (1.10
// after 1.9), Debian's "~" before anything (1.0~beta1 before 1.0), a pre-release word before the
// release it leads to (2024.1.0-rc1 before 2024.1.0), and other letters after it (OpenSSL's
// 1.1.1w after 1.1.1). A text collation put release candidates above their release.

type Token = { kind: 'num'; n: bigint } | { kind: 'word'; w: string; pre: number } | { kind: 'tilde' };

/** Pre-release words, earliest first; any of them before the release itself. */
const PRE = ['dev', 'snapshot', 'alpha', 'a', 'beta', 'b', 'pre', 'preview', 'rc', 'c'];

function tokens(v: string): Token[] {
  const out: Token[] = [];
  for (const m of v.toLowerCase().matchAll(/(\d+)|([a-z]+)|(~)/g)) {
    if (m[1] !== undefined) out.push({ kind: 'num', n: BigInt(m[1]) });
    else if (m[3] !== undefined) out.push({ kind: 'tilde' });
    else out.push({ kind: 'word', w: m[2], pre: PRE.indexOf(m[2]) });
  }
  // a single a, b or c is a pre-release with a number after it (Python's 3.12.0a1, 1.0b2); alone
  // at the end it is a patch letter, newer than the release (OpenSSL's 1.1.1a)
  out.forEach((t, i) => {
    if (t.kind === 'word' && t.w.length === 1 && out[i + 1]?.kind !== 'num') t.pre = -1;
  });
  return out;
}

/** < 0, 0 or > 0, as `a` is older, the same or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const epoch = (v: string) => {
    const m = /^\s*(\d{1,9}):(.*)$/.exec(v);
    return m ? { e: Number(m[1]), rest: m[2] } : { e: 0, rest: v };
  };
  const x = epoch(a);
  const y = epoch(b);
  if (x.e !== y.e) return x.e < y.e ? -1 : 1;
  const p = tokens(x.rest);
  const q = tokens(y.rest);
  for (let i = 0; i < Math.max(p.length, q.length); i++) {
    const s = p[i];
    const t = q[i];
    if (s === undefined || t === undefined) {
      // one ran out: what the longer one goes on with decides (the end is the release itself)
      const more = (s ?? t)!;
      const longerIsNewer = !(more.kind === 'tilde' || (more.kind === 'word' && more.pre >= 0 && (p[i - 1] ?? q[i - 1])?.kind === 'num'));
      return (s === undefined) === longerIsNewer ? -1 : 1;
    }
    if (s.kind === 'tilde' || t.kind === 'tilde') {
      if (s.kind !== t.kind) return s.kind === 'tilde' ? -1 : 1;
      continue;
    }
    if (s.kind === 'num' && t.kind === 'num') {
      if (s.n !== t.n) return s.n < t.n ? -1 : 1;
      continue;
    }
    if (s.kind === 'num' || t.kind === 'num') {
      // a number against a word: a pre-release word is older, any other word (an rpm-style letter) too
      return s.kind === 'num' ? 1 : -1;
    }
    if (s.w !== t.w) {
      if (s.pre >= 0 && t.pre >= 0) return s.pre < t.pre ? -1 : 1;
      if (s.pre >= 0 !== t.pre >= 0) return s.pre >= 0 ? -1 : 1;
      return s.w < t.w ? -1 : 1;
    }
  }
  return 0;
}
