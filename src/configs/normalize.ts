// configs/: normalization — what is done to every fetched configuration before it is stored,
// compared or shown: volatile lines dropped, secrets masked, whitespace made canonical.
import type { ConfigPlatform, NormalizationRule, NormalizedConfig } from './types';

export { DEFAULT_NORMALIZATION_RULES } from './normalization-rules';

export const MASK = '<masked>';
export const MAX_RULE_PATTERN = 500;

/** Lines the classic catastrophic-backtracking patterns would be slowed by, and ordinary config lines. */
const EVERY_LINE_PROBES = ['', 'hostname lab-rtr01', ' ip address 192.0.2.1 255.255.255.0', 'set system host-name edge01', '!'];
// a group holding one quantified atom, itself quantified: (a+)+, (\d*)*, (.*){2,}, ([a-z]+)*
const NESTED_QUANTIFIER = /\((?:\?:)?(?:\\.|\.|\[(?:\\.|[^\]\\])*\]|[^()\\|])[*+]\)[*+{]/;

/**
 * Why an admin's pattern cannot be a rule, or null when it can: a JavaScript regex without
 * flags, at most 500 characters, without the nested quantifiers that make a regex take
 * exponential time, and not matching every line (a drop rule `.*` would empty the config).
 */
export function validateRulePattern(pattern: unknown): string | null {
  const problem = regexProblem(pattern);
  if (problem) return problem;
  const re = new RegExp(pattern as string);
  if (EVERY_LINE_PROBES.every((l) => re.test(l))) return 'the pattern matches every line';
  return null;
}

/** Why a pattern is not a usable line regex (invalid, too long, exponential), or null. */
export function regexProblem(pattern: unknown): string | null {
  if (typeof pattern !== 'string' || pattern === '') return 'the pattern is empty';
  if (pattern.length > MAX_RULE_PATTERN) return `the pattern is ${pattern.length} characters long; at most ${MAX_RULE_PATTERN}`;
  try {
    new RegExp(pattern);
  } catch (err) {
    return `not a valid regular expression: ${(err as Error).message}`;
  }
  if (NESTED_QUANTIFIER.test(pattern)) return 'a quantified group inside a quantifier (like (a+)+) can take exponential time; write it without the nesting';
  return null;
}

interface CompiledMask {
  rule: NormalizationRule;
  /** global and with match indices, to find each capture group's place */
  re: RegExp;
}

interface Plan {
  drop: RegExp[];
  masks: CompiledMask[];
  /** one test that tells whether any mask rule could match, so most lines cost two regex tests */
  maskAny: RegExp | null;
}

const planCache = new WeakMap<NormalizationRule[], Map<ConfigPlatform, Plan>>();

function compile(rule: NormalizationRule, flags: string): RegExp {
  try {
    return new RegExp(rule.pattern, flags);
  } catch (err) {
    const name = rule.id === undefined ? `"${rule.description}"` : `${rule.id} "${rule.description}"`;
    throw new Error(`normalization rule ${name}: invalid pattern ${JSON.stringify(rule.pattern)}: ${(err as Error).message}`);
  }
}

/**
 * Several patterns as one alternation, when they combine safely (no backreferences, whose
 * numbers would shift; no clashing group names); otherwise null and each is tested alone.
 */
function combine(rules: NormalizationRule[]): RegExp | null {
  if (rules.length === 0 || rules.some((r) => /\\[1-9]|\\k</.test(r.pattern))) return null;
  try {
    return new RegExp(rules.map((r) => `(?:${r.pattern})`).join('|'));
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
    drop: dropOne ? [dropOne] : drops.map((r) => compile(r, '')),
    masks: masks.map((rule) => ({ rule, re: compile(rule, 'gd') })),
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
function maskLine(line: string, re: RegExp): [string, number] {
  const spans: [number, number][] = [];
  re.lastIndex = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const groups = m.indices!.slice(1).filter((g): g is [number, number] => g !== undefined);
    spans.push(...(m.length > 1 ? groups : [m.indices![0]]));
    if (m[0] === '') re.lastIndex++;
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

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;

/**
 * Normalizes a raw configuration: lines matching an enabled `drop` rule of this platform (or
 * of every platform) removed, the secrets of `mask` rules replaced with `<masked>`, private
 * keys (PEM blocks, in Linux files and FortiOS alike) reduced to their BEGIN and END lines
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
    if (inKey) {
      if (PEM_END.test(line)) {
        inKey = false;
        out.push(line.slice(line.search(PEM_END)));
      }
      continue;
    }
    const begin = line.search(PEM_BEGIN);
    if (begin >= 0) {
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
