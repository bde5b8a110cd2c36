import { evaluateRule, validateComplianceRule } from './compliance';
import { fixture } from './fixtures/fake-session';
import { DEFAULT_NORMALIZATION_RULES, normalize } from './normalize';
import type { ComplianceRule } from './types';

const ios = normalize(fixture('cisco-ios-xe.txt'), 'cisco-ios', DEFAULT_NORMALIZATION_RULES).text;
const eos = normalize(fixture('eos.txt'), 'eos', DEFAULT_NORMALIZATION_RULES).text;
const nxos = normalize(fixture('nxos.txt'), 'cisco-nxos', DEFAULT_NORMALIZATION_RULES).text;
const lineOf = (text: string, line: string) => text.split('\n').indexOf(line) + 1;
const rule = (over: Partial<ComplianceRule>): ComplianceRule => ({ name: 'r', kind: 'must-contain', pattern: 'x', severity: 'medium', ...over });

describe('evaluateRule', () => {
  it('must-contain passes with the line that matched, fails saying what is missing', () => {
    expect(evaluateRule(ios, rule({ pattern: '^ip ssh version 2$' }))).toEqual({ passed: true, detail: `line ${lineOf(ios, 'ip ssh version 2')}: "ip ssh version 2"`, lines: [] });
    expect(evaluateRule(ios, rule({ pattern: '^logging host 10\\.20\\.0\\.61' }))).toEqual({ passed: false, detail: 'no line matches "^logging host 10\\\\.20\\\\.0\\\\.61"', lines: [] });
  });

  it('must-not-contain lists the offending lines with their numbers', () => {
    const text = `${ios}ip http server\n`;
    const r = evaluateRule(text, rule({ kind: 'must-not-contain', pattern: '^ip http server' }));
    const n = lineOf(text, 'ip http server');
    expect(r).toEqual({ passed: false, detail: `line ${n}: "ip http server"`, lines: [n] });
    expect(evaluateRule(ios, rule({ kind: 'must-not-contain', pattern: '^ip http server' })).passed).toBe(true);
  });

  it('must-not-contain shows at most 20 items and says how many more', () => {
    const text = Array.from({ length: 25 }, (_, i) => `snmp-server community c${i} RW`).join('\n') + '\n';
    const r = evaluateRule(text, rule({ kind: 'must-not-contain', pattern: ' RW$' }));
    expect(r.lines).toHaveLength(25);
    const items = r.detail.split('\n');
    expect(items).toHaveLength(21);
    expect(items[20]).toBe('… and 5 more');
  });

  it('block: names each interface that lacks the line, with its line number', () => {
    const r = evaluateRule(eos, rule({ kind: 'block', pattern: 'spanning-tree portfast', block: { start: '^interface Ethernet', where: 'switchport access' } }));
    expect(r).toEqual({
      passed: false,
      detail: `interface Ethernet2 (line ${lineOf(eos, 'interface Ethernet2')}) has no line matching "spanning-tree portfast"`,
      lines: [lineOf(eos, 'interface Ethernet2')],
    });
  });

  it('must-not-contain and block rules fail on a file Teknisi could not read, naming it', () => {
    const unreadable = '### /etc/ssh/sshd_config (unreadable)\n';
    // before: passed, "no line matches" of a file never read
    expect(evaluateRule(unreadable, rule({ kind: 'must-not-contain', pattern: '^PermitRootLogin yes' })))
      .toEqual({ passed: false, detail: 'cannot evaluate: /etc/ssh/sshd_config was unreadable', lines: [] });
    const two = '### /etc/a.conf (unreadable)\n### /etc/ssh/sshd_config\nPermitRootLogin no\n### /etc/b.conf (unreadable)\n';
    expect(evaluateRule(two, rule({ kind: 'block', pattern: 'ForceCommand', block: { start: '^Match' } })))
      .toEqual({ passed: false, detail: 'cannot evaluate: /etc/a.conf was unreadable\ncannot evaluate: /etc/b.conf was unreadable', lines: [] });
    // a line that breaks the rule is still named; a missing file is no such configuration
    expect(evaluateRule('### /etc/a.conf (unreadable)\n### /etc/b.conf\nPermitRootLogin yes\n', rule({ kind: 'must-not-contain', pattern: '^PermitRootLogin yes' })))
      .toEqual({ passed: false, detail: 'line 3: "PermitRootLogin yes"', lines: [3] });
    expect(evaluateRule('### /etc/a.conf (missing)\n', rule({ kind: 'must-not-contain', pattern: '^PermitRootLogin yes' })).passed).toBe(true);
    expect(evaluateRule(`${unreadable}### /etc/b.conf\nPermitRootLogin no\n`, rule({ pattern: '^PermitRootLogin no' })).passed).toBe(true);
  });

  it('block: passes when every block has the line, and when there is no such block', () => {
    expect(evaluateRule(ios, rule({ kind: 'block', pattern: 'negotiation auto', block: { start: '^interface GigabitEthernet' } }))).toEqual({
      passed: true,
      detail: 'all 4 block(s) matching "^interface GigabitEthernet" have a line matching "negotiation auto"',
      lines: [],
    });
    expect(evaluateRule(ios, rule({ kind: 'block', pattern: 'x', block: { start: '^interface Vlan' } }))).toMatchObject({ passed: true, detail: 'no block starts with a line matching "^interface Vlan"' });
  });

  it('block: IOS blocks end at "!", NX-OS blocks at a blank line or the next unindented line', () => {
    // "ntp server" follows the vty block after its "!", so it is not part of the block
    const vty = evaluateRule(ios, rule({ kind: 'block', pattern: 'ntp server', block: { start: '^line vty' } }));
    expect(vty.passed).toBe(false);
    const nx = evaluateRule(nxos, rule({ kind: 'block', pattern: 'no shutdown', block: { start: '^interface' } }));
    expect(nx.detail.split('\n')).toEqual([`interface mgmt0 (line ${lineOf(nxos, 'interface mgmt0')}) has no line matching "no shutdown"`]);
  });

  it('block: finds nested blocks (address-family under router bgp)', () => {
    const r = evaluateRule(ios, rule({ kind: 'block', pattern: 'neighbor \\S+ activate', block: { start: '^address-family ipv4$', where: 'network' } }));
    expect(r.passed).toBe(true);
  });
});

describe('evaluateRule with patterns that backtrack exponentially in JavaScript', () => {
  const text = ['hostname r1', 'a'.repeat(32), ` ${'a'.repeat(40)}`, 'x'.repeat(32), ''].join('\n');

  it.each([
    [rule({ kind: 'must-contain', pattern: '(a|a)*b' })],
    [rule({ kind: 'must-not-contain', pattern: '(a|aa)*c' })],
    [rule({ kind: 'block', pattern: '(x+x+)+y', block: { start: '(a|a)*b', where: '(a|aa)*c' } })],
  ])('evaluates %j in linear time', (r) => {
    const started = Date.now();
    const res = evaluateRule(text, r);
    expect(res.passed).toBe(r.kind !== 'must-contain');
    expect(Date.now() - started).toBeLessThan(10_000); // minutes with JavaScript's backtracking
  });

  it('fails a stored rule whose pattern RE2 cannot run, saying why', () => {
    expect(evaluateRule(ios, rule({ kind: 'must-not-contain', pattern: '^key (?!\\d+$)' }))).toEqual({
      passed: false,
      detail: 'the rule cannot be evaluated: lookahead is not supported (patterns run in linear time); edit its patterns',
      lines: [],
    });
  });
});

describe('validateComplianceRule', () => {
  it('accepts a valid rule, trims its name and defaults the severity to medium', () => {
    expect(validateComplianceRule({ name: '  No HTTP server ', kind: 'must-not-contain', pattern: '^ip http server' })).toEqual({
      rule: { name: 'No HTTP server', kind: 'must-not-contain', pattern: '^ip http server', severity: 'medium' },
      problems: [],
    });
    expect(validateComplianceRule({ name: 'portfast', kind: 'block', pattern: 'portfast', block: { start: '^interface', where: 'access' }, severity: 'high' }).rule).toEqual({
      name: 'portfast', kind: 'block', pattern: 'portfast', block: { start: '^interface', where: 'access' }, severity: 'high',
    });
  });

  it('lists every problem with its field', () => {
    expect(validateComplianceRule({ name: '', kind: 'should-contain', pattern: '(', severity: 'urgent' }).problems).toEqual([
      { field: 'name', message: 'a name of 1 to 200 characters is required' },
      { field: 'kind', message: 'kind must be one of must-contain, must-not-contain, block' },
      { field: 'pattern', message: expect.stringMatching(/^not a valid regular expression/) },
      { field: 'severity', message: 'severity must be one of info, low, medium, high, critical' },
    ]);
  });

  it.each([
    [{ name: 'n', kind: 'block', pattern: 'x' }, 'block'],
    [{ name: 'n', kind: 'block', pattern: 'x', block: { start: '[' } }, 'block.start'],
    [{ name: 'n', kind: 'block', pattern: 'x', block: { start: '^i', where: '(a)\\1' } }, 'block.where'],
    [{ name: 'n', kind: 'must-contain', pattern: '^ip (?=http)' }, 'pattern'],
    [{ name: 'n', kind: 'must-contain', pattern: 'x', block: { start: '^i' } }, 'block'],
    [{ name: 'n'.repeat(201), kind: 'must-contain', pattern: 'x' }, 'name'],
    [{ name: 'n', kind: 'must-contain', pattern: 'x'.repeat(501) }, 'pattern'],
    [{ name: 'n', kind: 'must-contain', pattern: 42 }, 'pattern'],
  ])('refuses %j (%s)', (input, field) => {
    const res = validateComplianceRule(input);
    expect(res.rule).toBeUndefined();
    expect(res.problems.map((p) => p.field)).toEqual([field]);
  });

  it('refuses what is not an object', () => {
    expect(validateComplianceRule('rule').problems).toHaveLength(1);
    expect(validateComplianceRule(null).rule).toBeUndefined();
  });
});
