// configs/: normalization — what is done to every fetched configuration before it is stored,
// compared or shown: volatile lines dropped, secrets masked, whitespace made canonical.
import { compilePattern, LinePattern } from './patterns';
import type { ConfigPlatform, NormalizationRule, NormalizedConfig } from './types';

export { DEFAULT_NORMALIZATION_RULES } from './normalization-rules';

export const MASK = '<masked>';

interface CompiledMask {
  rule: NormalizationRule;
  re: LinePattern;
}

interface Plan {
  drop: LinePattern[];
  masks: CompiledMask[];
  /** one test that tells whether any mask rule could match, so most lines cost two regex tests */
  maskAny: LinePattern | null;
}

const planCache = new WeakMap<NormalizationRule[], Map<ConfigPlatform, Plan>>();

function compile(rule: NormalizationRule): LinePattern {
  try {
    return compilePattern(rule.pattern);
  } catch (err) {
    const name = rule.id === undefined ? `"${rule.description}"` : `${rule.id} "${rule.description}"`;
    throw new Error(`normalization rule ${name}: invalid pattern ${JSON.stringify(rule.pattern)}: ${(err as Error).message}`);
  }
}

/**
 * Several patterns as one alternation, when they combine (group names may clash); otherwise
 * null and each is tested alone. A flag such as `(?i)` ends with the group that wraps it.
 */
function combine(rules: NormalizationRule[]): LinePattern | null {
  if (rules.length === 0) return null;
  try {
    return compilePattern(rules.map((r) => `(?:${r.pattern})`).join('|'));
  } catch {
    return null;
  }
}

function planFor(rules: NormalizationRule[], platform: ConfigPlatform): Plan {
  let byPlatform = planCache.get(rules);
  if (!byPlatform) planCache.set(rules, (byPlatform = new Map()));
  let plan = byPlatform.get(platform);
  if (plan) return plan;
  const applicable = rules.filter((r) => r.enabled && (r.platform === null || r.platform === platform));
  const drops = applicable.filter((r) => r.action === 'drop');
  const masks = applicable.filter((r) => r.action === 'mask');
  const dropOne = combine(drops);
  plan = {
    // a combination only exists when every pattern compiled; otherwise compile() names the bad one
    drop: dropOne ? [dropOne] : drops.map(compile),
    masks: masks.map((rule) => ({ rule, re: compile(rule) })),
    maskAny: combine(masks),
  };
  byPlatform.set(platform, plan);
  return plan;
}

/**
 * Replaces each capture group of each match with `<masked>` (the whole match, for a pattern
 * without groups); a value another rule masked already is left alone. Returns the line and
 * how many values were masked.
 */
function maskLine(line: string, re: LinePattern): [string, number] {
  const spans: [number, number][] = [];
  const groups = re.groupCount();
  for (const m = re.matcher(line); m.find(); ) {
    if (groups === 0) spans.push([m.start(), m.end()]);
    // a group that took no part in the match starts at -1
    for (let g = 1; g <= groups; g++) if (m.start(g) >= 0) spans.push([m.start(g), m.end(g)]);
  }
  if (spans.length === 0) return [line, 0];
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]); // an outer group before the groups inside it
  let out = '';
  let at = 0;
  let count = 0;
  for (const [start, end] of spans) {
    if (start < at || end === start) continue; // nested in a group already masked, or empty
    const value = line.slice(start, end);
    if (value.includes(MASK)) continue;
    // a quoted value stays quoted, so that `key "…"` reads `key "<masked>"`
    const quoted = value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"';
    out += line.slice(at, start) + (quoted ? `"${MASK}"` : MASK);
    at = end;
    count++;
  }
  return [out + line.slice(at), count];
}

/** a private key's armour, and OpenVPN's static key (tls-auth, tls-crypt, secret) whose lines are hex */
const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9 ]*PRIVATE KEY|OpenVPN Static key V\d+)-----/;
const PEM_END = /-----END (?:[A-Z0-9 ]*PRIVATE KEY|OpenVPN Static key V\d+)-----/;
/**
 * What may stand before a BEGIN line that starts a key's lines: nothing, indentation, a quote,
 * a setting that holds the key (FortiOS `set private-key "`). Elsewhere on a line (a script's
 * `grep -- "-----BEGIN … PRIVATE KEY-----" file`) the marker is text, and the lines after it are
 * no key: taking them for one hid the rest of the file, and its changes, behind one `<masked>`.
 */
const PEM_LEAD = /^\s*(?:set [\w-]+ )?["']?$/;
/** A file's header in a multi-file backup (the Linux source's `### <path>`): a key never runs past its file. */
const FILE_HEADER = /^### \//;

/**
 * Normalizes a raw configuration: lines matching an enabled `drop` rule of this platform (or
 * of every platform) removed, the secrets of `mask` rules replaced with `<masked>`, private
 * keys (PEM blocks, in Linux files and FortiOS alike, and OpenVPN static keys) reduced to their BEGIN and END lines
 * around one `<masked>` line, trailing whitespace removed from each line, blank lines removed
 * at the start and end, one newline at the end.
 *
 * Masking keeps each line's shape (`enable secret 9 <masked>`), so a diff still shows where a
 * secret is set, and a secret that changed — or a FortiOS `ENC` value re-salted on every
 * `show` — shows as no change: secrets never reach the database, the diff or the UI.
 *
 * Throws when a rule's pattern is not a valid regex (naming the rule); rules are compiled once
 * per rule list and platform.
 */
export function normalize(raw: string, platform: ConfigPlatform, rules: NormalizationRule[]): NormalizedConfig {
  const plan = planFor(rules, platform);
  const out: string[] = [];
  let dropped = 0;
  let masked = 0;
  let inKey = false;
  let inFortiCommunity = false;
  for (const rawLine of raw.split(/\r?\n/)) {
    let line = rawLine.trimEnd();
    if (inKey && FILE_HEADER.test(line)) inKey = false;
    if (inKey) {
      if (PEM_END.test(line)) {
        inKey = false;
        out.push(line.slice(line.search(PEM_END)));
      }
      continue;
    }
    const begin = line.search(PEM_BEGIN);
    if (begin >= 0 && (PEM_LEAD.test(line.slice(0, begin)) || PEM_END.test(line))) {
      const head = line.slice(0, begin) + line.slice(begin).match(PEM_BEGIN)![0];
      const rest = line.slice(head.length);
      const end = rest.search(PEM_END);
      masked++;
      if (end >= 0) {
        out.push(`${head}${MASK}${rest.slice(end)}`); // the whole key on one line
      } else {
        out.push(head, MASK);
        inKey = true;
      }
      continue;
    }
    if (plan.drop.some((re) => re.test(line))) {
      dropped++;
      continue;
    }
    if (plan.masks.length > 0 && (plan.maskAny === null || plan.maskAny.test(line))) {
      for (const { re } of plan.masks) {
        const [next, n] = maskLine(line, re);
        line = next;
        masked += n;
      }
    }
    if (platform === 'fortios') {
      // an SNMP community's secret is its `set name`, which elsewhere is just a name
      if (line === 'config system snmp community') inFortiCommunity = true;
      else if (line === 'end') inFortiCommunity = false;
      else if (inFortiCommunity && /^ {8}set name "[^"]*"$/.test(line) && !line.includes(MASK)) {
        line = `        set name "${MASK}"`;
        masked++;
      }
    }
    out.push(line);
  }
  let start = 0;
  let end = out.length;
  while (start < end && out[start] === '') start++;
  while (end > start && out[end - 1] === '') end--;
  return { text: start === end ? '' : out.slice(start, end).join('\n') + '\n', dropped, masked };
}
