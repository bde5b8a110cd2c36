import { execFileSync, spawnSync } from 'node:child_process';
import { LOGIN_SHELLS } from './fixtures/login-shells';
import { shCommand, shQuote, shScriptQuote } from './posix-quote';

// each value is quoted, then handed to real shells — the login shells a command line goes
// through before the sh it starts (fixtures/login-shells.ts) — which must give it back unchanged
const CASES: Array<[string, string]> = [
  ['plain word', 'nginx'],
  ['path', '/var/lib/dpkg/status'],
  ['empty', ''],
  ['space', 'two words'],
  ['single quote', "it's"],
  ['only quotes', "''"],
  ['double quote', 'say "hi"'],
  ['dollar expansion', '$HOME and ${PATH}'],
  ['command substitution', '$(rm -rf /) `id`'],
  ['glob', '*.conf ?[a-z]'],
  ['separators', 'a; b && c || d | e & f'],
  ['redirections', '> /etc/passwd < x 2>&1'],
  ['backslashes', 'C:\\Program Files\\x'],
  ['two backslashes', 'a\\\\b'],
  ['backslash before a quote', "x\\'y"],
  // fish reads \' inside single quotes as a quote: with the old '\'' trick this ended the word there
  ['an escape out of fish\'s quotes', "\\'; echo INJECTED #"],
  ['trailing backslash', 'end\\'],
  ['tab and carriage return', 'a\tb\rc'],
  ['leading dash', '-rf'],
  ['tilde', '~root'],
  ['hash', '#comment'],
  ['non-ASCII', 'Ärger 微信 🙂'],
  ['equals', 'KEY=value'],
  // csh's history expansion
  ['exclamation marks', 'a!b !! !$ !-1'],
];

describe('shQuote', () => {
  it.each(LOGIN_SHELLS.flatMap((shell) => CASES.map(([name, value]) => [shell, name, value])))('%s: %s survives a round trip', (shell, _name, value) => {
    const out = execFileSync(shell, ['-c', `printf '%s' ${shQuote(value)}`], { encoding: 'utf8' });
    expect(out).toBe(value);
  });

  it.each([
    ['nginx', 'nginx'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['a\\b', "'a'\\\\'b'"],
    ['', "''"],
    ['$x', "'$x'"],
  ])('%j is written as %s', (value, quoted) => {
    expect(shQuote(value)).toBe(quoted);
  });

  it('refuses a NUL character instead of cutting the value short', () => {
    expect(() => shQuote('a\0b')).toThrow(/NUL/);
  });

  it('refuses a line break, which csh would take for the end of the command (and run the next line)', () => {
    expect(() => shQuote('x\nid')).toThrow('a shell argument on a command line cannot contain a line break (csh would run the next line)');
    // what the old quoting let tcsh do with it
    expect(spawnSync('/usr/bin/tcsh', ['-c', `printf '%s' 'x\nprintf RAN\n'`], { encoding: 'utf8' }).stdout).toBe('RAN');
  });

  it('writes ! outside the quotes, where csh takes it literally', () => {
    expect(shQuote('a!b')).toBe("'a'\\!'b'");
  });
});

describe('shScriptQuote (for text only sh reads: a script on stdin)', () => {
  it.each([...CASES, ['newlines', 'line1\nline2\n\n'], ['a quote across lines', "it's\n'quoted'"]])('%s survives sh and bash', (_name, value) => {
    for (const shell of ['/bin/sh', '/bin/bash']) {
      expect(execFileSync(shell, { input: `printf '%s' ${shScriptQuote(value)}`, encoding: 'utf8' })).toBe(value);
    }
  });

  it('refuses a NUL character', () => {
    expect(() => shScriptQuote('a\0b')).toThrow(/NUL/);
  });

  it('builds a command whose arguments arrive as separate words', () => {
    const cmd = shCommand('printf', '%s|', 'a b', "c'd", '$(id)');
    expect(execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' })).toBe("a b|c'd|$(id)|");
  });
});
