import { DEFAULT_NORMALIZATION_RULES } from './normalize';
import { compilePattern, MAX_PATTERN_PROGRAM, patternProblem, validateRulePattern } from './patterns';

/** patterns that backtrack exponentially in JavaScript's engine over the subject: 30 s to hours */
const CATASTROPHIC: Array<[string, string]> = [
  ['(a|a)*b', 'a'.repeat(32)],
  ['(a|aa)*c', 'a'.repeat(40)],
  ['(x+x+)+y', 'x'.repeat(32)],
  ['^(a+)+$', `${'a'.repeat(36)}!`],
  ['^(\\w+\\s?)*$', `${'word '.repeat(8)}!`],
  ['^(\\d+|\\d+\\.)*x', '1.'.repeat(20)],
];

describe('compilePattern', () => {
  it.each(CATASTROPHIC)('runs %s over %s in linear time', (pattern, subject) => {
    const started = Date.now();
    const re = compilePattern(pattern);
    expect(re.test(subject)).toBe(false);
    expect(re.matcher(subject).find()).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000); // minutes with JavaScript's backtracking
  });

  it('matches as the JavaScript regexes people write did: case-sensitive, ^ and $ at the line\'s ends, groups', () => {
    expect(compilePattern('^snmp-server community (\\S+) RO$').test('snmp-server community Public RO')).toBe(true);
    expect(compilePattern('^ip http server').test('IP HTTP SERVER')).toBe(false);
    expect(compilePattern('(?i)^ip http server').test('IP HTTP SERVER')).toBe(true);
    expect(compilePattern('^\\s*password(?: \\d)? (\\S+)$').test(' password 7 0822455D0A16')).toBe(true);
    expect(compilePattern('\\bpassword\\b').test('passwords')).toBe(false);
    const m = compilePattern('^interface (?<name>\\S+)').matcher('interface Gi0/1');
    expect(m.find() && m.group('name')).toBe('Gi0/1');
  });

  it('keeps what it compiled, so that a rule compiles once however many devices it checks', () => {
    expect(compilePattern('^ntp server ')).toBe(compilePattern('^ntp server '));
  });
});

describe('patternProblem', () => {
  it.each([
    ['^! Last configuration change at ', null],
    ['^(a+)+$', null], // exponential in JavaScript, linear here
    ['(a|a)*b', null],
    ['^(?:\\S+ )*secret', null],
    ['', 'the pattern is empty'],
    [42, 'the pattern is empty'],
    ['a'.repeat(501), 'the pattern is 501 characters long; at most 500'],
    ['(', 'not a valid regular expression: missing closing ): ('],
    ['a**', /^not a valid regular expression: invalid nested repetition operator/],
    ['^(\\w+) \\1$', 'backreferences are not supported (patterns run in linear time)'],
    ['^(?<w>\\w+) \\k<w>$', 'backreferences are not supported (patterns run in linear time)'],
    ['^key (?!\\d+$)', 'lookahead is not supported (patterns run in linear time)'],
    ['^ip (?=http)', 'lookahead is not supported (patterns run in linear time)'],
    ['(?<=no )ip http', 'lookbehind is not supported (patterns run in linear time)'],
    ['^ip (?<!no )http', 'lookbehind is not supported (patterns run in linear time)'],
    ['\\u00a0', 'not a valid regular expression: write \\uXXXX as \\x{XXXX}'],
    ['\\x{00a0}', null],
    ['a{1001}', 'not a valid regular expression: a repeat count is at most 1000 ({1001})'],
    ['x{1000}y{1000}', /^the pattern compiles to \d+ instructions; at most 1000: use smaller repeat counts$/],
  ])('%j → %j', (pattern, expected) => {
    const got = patternProblem(pattern);
    if (expected instanceof RegExp) expect(got).toMatch(expected);
    else expect(got).toBe(expected);
  });

  it('accepts every default normalization rule, well within the size limit', () => {
    for (const r of DEFAULT_NORMALIZATION_RULES) {
      expect([r.pattern, patternProblem(r.pattern)]).toEqual([r.pattern, null]);
      expect(compilePattern(r.pattern).programSize()).toBeLessThan(MAX_PATTERN_PROGRAM / 4);
    }
  });
});

describe('validateRulePattern', () => {
  it.each([
    ['^! Last configuration change at ', null],
    ['^\\s*$', null],
    ['.*', 'the pattern matches every line'],
    ['^', 'the pattern matches every line'],
    ['(?i)', 'the pattern matches every line'],
    ['^(\\S+) \\1$', 'backreferences are not supported (patterns run in linear time)'],
  ])('%j → %j', (pattern, expected) => {
    expect(validateRulePattern(pattern)).toBe(expected);
  });

  it('accepts every default rule', () => {
    for (const r of DEFAULT_NORMALIZATION_RULES) expect([r.pattern, validateRulePattern(r.pattern)]).toEqual([r.pattern, null]);
  });
});
