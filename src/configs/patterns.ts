// configs/: the regular expressions that people write — a search's regex, compliance and
// normalization rules, a baseline's ignore list — compiled for RE2's engine (re2js, pure
// JavaScript), whose time grows linearly with the text. JavaScript's own engine backtracks:
// a search for `(a|a)*b` over a line of 32 a's held the API's event loop for tens of seconds,
// and no list of suspicious shapes catches every such pattern. RE2 reads the syntax people use
// on config lines as JavaScript does; what it cannot run in linear time (backreferences,
// lookahead, lookbehind) is refused, saying so.
import { RE2JS } from 're2js';

export const MAX_PATTERN_LENGTH = 500;
/**
 * Instructions of one compiled pattern, since each character of text costs time in proportion
 * to them: `^interface (\S+)$` takes 12, the largest default rule 132, `.{1000}` 1,002.
 */
export const MAX_PATTERN_PROGRAM = 1000;

/** A compiled pattern: `test(line)` tells whether some part of the line matches; `matcher(line)` finds each match and its groups. */
export type LinePattern = RE2JS;

/** A pattern that RE2 cannot compile; the message is written for the person who wrote it. */
export class PatternError extends Error {}

const LINEAR = '(patterns run in linear time)';

/** Lines that a pattern matching them all would match, from empty lines to ordinary config lines. */
const EVERY_LINE_PROBES = ['', 'hostname lab-rtr01', ' ip address 192.0.2.1 255.255.255.0', 'set system host-name edge01', '!'];

const cache = new Map<string, LinePattern>();

/**
 * Compiles a pattern as RE2 syntax without flags: case-sensitive (`(?i)` makes it
 * insensitive), `^` and `$` at the ends of the line. Compiled patterns are kept (they hold no
 * state), so rules evaluated device after device compile once. Throws PatternError.
 */
export function compilePattern(pattern: string): LinePattern {
  let re = cache.get(pattern);
  if (re) return re;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    throw new PatternError(explain(pattern, err));
  }
  if (cache.size >= 1000) cache.clear(); // rules and searches in use are few: a bound, not an LRU
  cache.set(pattern, re);
  return re;
}

/** Why `pattern` cannot be a line pattern (empty, too long, not one RE2 can run, too large compiled), or null. */
export function patternProblem(pattern: unknown): string | null {
  if (typeof pattern !== 'string' || pattern === '') return 'the pattern is empty';
  if (pattern.length > MAX_PATTERN_LENGTH) return `the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH}`;
  let re: LinePattern;
  try {
    re = compilePattern(pattern);
  } catch (err) {
    return (err as Error).message;
  }
  const size = re.programSize();
  if (size > MAX_PATTERN_PROGRAM) return `the pattern compiles to ${size} instructions; at most ${MAX_PATTERN_PROGRAM}: use smaller repeat counts`;
  return null;
}

/**
 * patternProblem, and a pattern that matches every line is refused too: as a drop rule (`.*`)
 * it would empty every configuration, as a search it would list every line of every device.
 */
export function validateRulePattern(pattern: unknown): string | null {
  const problem = patternProblem(pattern);
  if (problem) return problem;
  const re = compilePattern(pattern as string);
  if (EVERY_LINE_PROBES.every((l) => re.test(l))) return 'the pattern matches every line';
  return null;
}

/** RE2's complaint, said in the terms of the JavaScript regexes that people know. */
function explain(pattern: string, err: unknown): string {
  const e = err as Error & { getDescription?: () => string; getPattern?: () => string | null };
  const what = e.getDescription?.() ?? e.message;
  const where = e.getPattern?.() ?? '';
  if (what === 'invalid escape sequence' && (/^\\[1-9]$/.test(where) || (where === '\\k' && pattern.includes('\\k<')))) {
    return `backreferences are not supported ${LINEAR}`;
  }
  if (what === 'invalid or unsupported Perl syntax' && /^\(\?[=!]/.test(where)) return `lookahead is not supported ${LINEAR}`;
  if (what === 'invalid named capture' && /^\(\?<[=!]/.test(where)) return `lookbehind is not supported ${LINEAR}`;
  if (what === 'invalid escape sequence' && where === '\\u') return 'not a valid regular expression: write \\uXXXX as \\x{XXXX}';
  if (what === 'invalid repeat count') return `not a valid regular expression: a repeat count is at most 1000 (${where})`;
  return `not a valid regular expression: ${what}${where ? `: ${where}` : ''}`;
}
