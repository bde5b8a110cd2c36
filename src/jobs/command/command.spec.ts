import { execFile } from 'node:child_process';
import { decodePowerShellCommand } from '../../protocols/ssh/powershell';
import { fakeHost } from '../drivers/fixtures/fake-host';
import { Exec } from '../drivers/types';
import { buildPosixCommand, buildPowerShellCommand, runCommandTask, validateCommandParams } from '.';

/** Runs a built command with this machine's sh, stdin as given: nothing but sh runs. */
const localExec: Exec = (command, opts = {}) =>
  new Promise((resolve) => {
    const child = execFile('sh', ['-c', command], { timeout: opts.timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: unknown; killed?: boolean }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr, truncated: false, timedOut: !!e?.killed });
    });
    child.stdin!.end(opts.stdin ?? '');
  });

const TRICKY: Record<string, string> = {
  QUOTE: "it's a 'quote'",
  DOUBLE: 'say "hi" \\" \\',
  SUBST: '$(id) ${HOME} `id`',
  NEWLINES: 'line1\nline2\n\nline4; rm -rf /tmp/nothing',
  GLOB: '* ?[a] ~root',
  OPS: 'a && b || c | d > /tmp/x < /etc/passwd & e',
  UNICODE: 'Ärger 微信 🙂 \u2019',
  DASH: '-rf --help',
  EMPTY: '',
  EQUALS: 'A=B C=D',
};
const PRINT_ALL = `for n in ${Object.keys(TRICKY).join(' ')}; do eval "v=\\$$n"; printf '%s=%s\\0' "$n" "$v"; done`;

describe('validateCommandParams', () => {
  it('accepts a script with defaults and with every option', () => {
    expect(validateCommandParams({ script: 'uptime' })).toEqual([]);
    expect(validateCommandParams({ script: 'Get-Date', shell: 'powershell', timeoutSec: 86_400, parameters: { A: 'x', _b2: '' } })).toEqual([]);
    expect(validateCommandParams({ script: 'id', shell: 'bash', timeoutSec: 1, sudo: true })).toEqual([]);
  });

  it.each([
    [{}, 'script'],
    [{ script: '' }, 'script'],
    [{ script: '   ' }, 'script'],
    [{ script: 42 }, 'script'],
    [{ script: 'a'.repeat(64 * 1024 + 1) }, 'script'],
    [{ script: 'echo\0' }, 'script'],
    [{ script: 'x', shell: 'zsh' }, 'shell'],
    [{ script: 'x', shell: 'cmd' }, 'shell'],
    [{ script: 'x', timeoutSec: 0 }, 'timeoutSec'],
    [{ script: 'x', timeoutSec: 86_401 }, 'timeoutSec'],
    [{ script: 'x', timeoutSec: 1.5 }, 'timeoutSec'],
    [{ script: 'x', timeoutSec: '10' }, 'timeoutSec'],
    [{ script: 'x', parameters: [] }, 'parameters'],
    [{ script: 'x', parameters: 'A=1' }, 'parameters'],
    [{ script: 'x', parameters: { '1A': 'x' } }, 'parameters.1A'],
    [{ script: 'x', parameters: { 'A-B': 'x' } }, 'parameters.A-B'],
    [{ script: 'x', parameters: { 'A B': 'x' } }, 'parameters.A B'],
    [{ script: 'x', parameters: { 'A;id': 'x' } }, 'parameters.A;id'],
    [{ script: 'x', parameters: { ['A'.repeat(65)]: 'x' } }, `parameters.${'A'.repeat(65)}`],
    [{ script: 'x', parameters: { A: 1 } }, 'parameters.A'],
    [{ script: 'x', parameters: { A: 'x'.repeat(4097) } }, 'parameters.A'],
    [{ script: 'x', parameters: { A: 'a\0b' } }, 'parameters.A'],
    [{ script: 'x', parameters: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`P${i}`, 'v'])) }, 'parameters'],
    [{ script: 'x', shell: 'powershell', sudo: true }, 'sudo'],
    [{ script: 'x', sudo: 'yes' }, 'sudo'],
    [{ script: 'x', interpreter: '/bin/sh' }, 'interpreter'],
  ])('%j → a problem with %s', (params, field) => {
    expect(validateCommandParams(params as never).map((p) => p.field)).toContain(field);
  });

  it('counts the 4 KiB value limit in bytes', () => {
    expect(validateCommandParams({ script: 'x', parameters: { A: 'é'.repeat(2048) } })).toEqual([]);
    expect(validateCommandParams({ script: 'x', parameters: { A: 'é'.repeat(2049) } })).toHaveLength(1);
  });
});

describe('sh and bash commands carry parameters as literal values (run for real with this machine\'s sh)', () => {
  it.each(['sh', 'bash'] as const)('%s: every tricky value arrives intact, and the script is not pasted anywhere', async (shell) => {
    const built = buildPosixCommand({ script: PRINT_ALL, shell, parameters: TRICKY }, false);
    expect(built.command).not.toContain(PRINT_ALL);
    expect(built.stdin).toBe(PRINT_ALL);
    const r = await localExec(built.command, { stdin: built.stdin });
    expect(r.code).toBe(0);
    const got = Object.fromEntries(r.stdout.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    expect(got).toEqual(TRICKY);
  });

  it('gives a command in the script that reads stdin end-of-file, not the rest of the script', async () => {
    const built = buildPosixCommand({ script: 'if read line; then echo "stole: $line"; else echo eof; fi\necho after' }, false);
    const r = await localExec(built.command, { stdin: built.stdin });
    expect(r.stdout).toBe('eof\nafter\n');
  });

  it('runs bash features under bash', async () => {
    const built = buildPosixCommand({ script: 'a=(x y z); echo "${#a[@]} ${BASH_VERSION%%.*}"', shell: 'bash' }, false);
    const r = await localExec(built.command, { stdin: built.stdin });
    expect(r.stdout).toMatch(/^3 \d+\n$/);
  });

  it('builds the sudo forms: -n without a password; -S with the password as the first stdin line', () => {
    expect(buildPosixCommand({ script: 'id -u', parameters: { A: "x'y" } }, {})).toEqual({
      command: `sudo -n -- env 'A=x'\\''y' sh -c 'eval "$(cat)"'`,
      stdin: 'id -u',
      shown: `sudo -n -- env 'A=x'\\''y' sh -c 'eval "$(cat)"'`,
    });
    const withPassword = buildPosixCommand({ script: 'id -u' }, { password: 's3cret' });
    expect(withPassword.command).toBe(`sudo -S -p '' -- env sh -c 'eval "$(cat)"'`);
    expect(withPassword.stdin).toBe('s3cret\nid -u');
  });
});

describe('runCommandTask', () => {
  it('succeeds on exit 0 with the output in the log (real sh)', async () => {
    const out = await runCommandTask({ exec: localExec, sudo: false }, { script: 'echo "hello $WHO"; echo oops >&2', parameters: { WHO: '$(id)' } });
    expect(out).toMatchObject({ status: 'succeeded', exitCode: 0, rebootRequired: false, changed: [] });
    expect(out.log).toContain('hello $(id)\n');
    expect(out.log).toContain('[stderr]\noops\n[exit 0]');
    expect(out.log).toMatch(/^\$ env 'WHO=\$\(id\)' sh -c 'eval "\$\(cat\)"'\n/);
  });

  it('fails, not transient, with the exit code', async () => {
    const out = await runCommandTask({ exec: localExec, sudo: false }, { script: 'exit 3' });
    expect(out).toEqual({ status: 'failed', transient: false, reason: 'exited with code 3', exitCode: 3, log: expect.any(String) });
  });

  it('fails a time-out without a retry (the script may have done part of its work)', async () => {
    const { host, calls } = fakeHost([[/sh -c/, { timedOut: true, stdout: 'step 1 done\n' }]]);
    const out = await runCommandTask(host, { script: 'sleep 100', timeoutSec: 5 });
    expect(out).toMatchObject({ status: 'failed', transient: false, reason: 'timed out after 5s', exitCode: null });
    expect(calls[0].timeoutMs).toBe(5000);
    expect(out.log).toContain('[timed out after 5 s]');
  });

  it('defaults to a 600 s time-out', async () => {
    const { host, calls } = fakeHost([[/sh -c/, { code: 0 }]]);
    await runCommandTask(host, { script: 'true' });
    expect(calls[0].timeoutMs).toBe(600_000);
  });

  it('asks sudo first whether it needs the password, and sends it on stdin only when it does', async () => {
    const PASSWORD = "hunter2'$(id)";
    const { host, calls } = fakeHost([[/^sudo -n true$/, { code: 1, stderr: 'sudo: a password is required\n' }], [/^sudo -S/, { code: 0, stdout: `0\n${PASSWORD}\n` }]], { sudo: true, sudoPassword: PASSWORD });
    const out = await runCommandTask(host, { script: 'id -u', sudo: true });
    expect(out.status).toBe('succeeded');
    expect(calls[1].command).toBe(`sudo -S -p '' -- env sh -c 'eval "$(cat)"'`);
    expect(calls[1].stdin).toBe(`${PASSWORD}\nid -u`);
    expect(calls.every((c) => !c.command.includes(PASSWORD))).toBe(true);
    expect(out.log).not.toContain(PASSWORD);
  });

  it('keeps the password off stdin when sudo does not need it (it would become script text)', async () => {
    const { host, calls } = fakeHost([[/^sudo -n true$/, { code: 0 }], [/^sudo -n -- env/, { code: 0 }]], { sudo: true, sudoPassword: 'pw-unused' });
    await runCommandTask(host, { script: 'id -u', sudo: true });
    expect(calls[1].stdin).toBe('id -u');
  });

  it.each([
    ['Sorry, try again.\nsudo: 1 incorrect password attempt\n', 'sudo refused: wrong password'],
    ['sudo: a password is required\n', 'sudo refused: a password is required and the credential has none'],
  ])('reports sudo refusing (%j), not transient', async (stderr, reason) => {
    const { host } = fakeHost([[/^sudo -n true$/, { code: 1 }], [/^sudo -S/, { code: 1, stderr }]], { sudo: true, sudoPassword: 'wrongpw' });
    expect(await runCommandTask(host, { script: 'id', sudo: true })).toMatchObject({ status: 'failed', transient: false, reason });
  });

  it('does not start when already cancelled', async () => {
    const { host, calls } = fakeHost([]);
    const ac = new AbortController();
    ac.abort();
    expect(await runCommandTask(host, { script: 'id' }, ac.signal)).toMatchObject({ status: 'failed', reason: 'cancelled' });
    expect(calls).toHaveLength(0);
  });
});

describe('PowerShell commands', () => {
  it('puts $env: lines with doubled quotes before the script inside -EncodedCommand', async () => {
    const { host, calls } = fakeHost([[/Get-Date/, { code: 0, stdout: 'ok\r\n' }]]);
    const out = await runCommandTask(host, { script: 'Get-Date; Write-Output $env:MSG', shell: 'powershell', parameters: { MSG: "it's $(Remove-Item C:\\) `n\u2019" } });
    expect(out.status).toBe('succeeded');
    expect(calls[0].command).toMatch(/^powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand [A-Za-z0-9+/=]+$/);
    expect(calls[0].text).toBe("$env:MSG = 'it''s $(Remove-Item C:\\) `n\u2019\u2019'\nGet-Date; Write-Output $env:MSG");
    expect(calls[0].stdin).toBeUndefined();
  });

  it('sends a script too long for cmd.exe on stdin as base64, run by a short encoded loader', () => {
    const script = `Write-Output '${'x'.repeat(10_000)}'`;
    const built = buildPowerShellCommand({ script, shell: 'powershell', parameters: { A: 'b' } });
    expect(built.command.length).toBeLessThan(8191);
    expect(decodePowerShellCommand(built.command)).toContain('[Console]::In.ReadToEnd()');
    expect(Buffer.from(built.stdin!, 'base64').toString('utf8')).toBe(`$env:A = 'b'\n${script}`);
  });
});
