import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePowerShellCommand } from '../../protocols/ssh/powershell';
import { ChannelRefused, SshError } from '../../protocols/ssh/ssh.client';
import { fakeHost } from '../drivers/fixtures/fake-host';
import { Exec } from '../drivers/types';
import { LOGIN_SHELLS } from '../../protocols/ssh/fixtures/login-shells';
import { shQuote } from '../../protocols/ssh/posix-quote';
import { buildPosixCommand, buildPowerShellCommand, COMMAND_LIMITS, POSIX_TETHER, runCommandTask, validateCommandParams } from '.';

/**
 * Runs a built command with this machine's sh, stdin as given, in a session of its own as sshd
 * would (the tether hangs up its whole process group): nothing but sh runs. `drop` closes stdin
 * early, as a lost connection would.
 */
function localRun(command: string, opts: { stdin?: string; holdStdin?: boolean; dropAfterMs?: number; loginShell?: string } = {}) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(opts.loginShell ?? 'sh', ['-c', command], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (!opts.holdStdin) child.stdin.end(opts.stdin ?? '');
    else {
      child.stdin.write(opts.stdin ?? '');
      if (opts.dropAfterMs !== undefined) setTimeout(() => child.stdin.end(), opts.dropAfterMs);
    }
  });
}
const localExec: Exec = async (command, opts = {}) => {
  const r = await localRun(command, opts);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, truncated: false, timedOut: false };
};
const MARK = /^(?:[^\n]*\n)*TEKNISI_SCRIPT_END_[0-9a-f]{32}\n$/;

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
  BANG: 'a!b !! !$',
  BACKSLASHES: "\\'; echo INJECTED # \\\\",
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
    expect(built.stdin).toContain(`\n${PRINT_ALL}\n`);
    expect(built.stdin).toMatch(MARK);
    const r = await localExec(built.command, { stdin: built.stdin, holdStdin: built.holdStdin });
    expect(r.code).toBe(0);
    const got = Object.fromEntries(r.stdout.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    expect(got).toEqual(TRICKY);
  });

  it.each(LOGIN_SHELLS)('the command line passes through %s as the login shell: one line, no value on it, every value intact', async (loginShell) => {
    const built = buildPosixCommand({ script: PRINT_ALL, parameters: TRICKY }, false);
    expect(built.command).not.toContain('\n');
    for (const v of Object.values(TRICKY)) if (v.length > 2) expect(built.command).not.toContain(v);
    const r = await localRun(built.command, { stdin: built.stdin, holdStdin: true, loginShell });
    expect(r.stderr).toBe('');
    const got = Object.fromEntries(r.stdout.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    expect(got).toEqual(TRICKY);
    expect(r.code).toBe(0);
  });

  it('gives a command in the script that reads stdin end-of-file, not the rest of the script', async () => {
    const built = buildPosixCommand({ script: 'if read line; then echo "stole: $line"; else echo eof; fi\necho after' }, false);
    const r = await localExec(built.command, { stdin: built.stdin, holdStdin: true });
    expect(r.stdout).toBe('eof\nafter\n');
  });

  it('runs bash features under bash', async () => {
    const built = buildPosixCommand({ script: 'a=(x y z); echo "${#a[@]} ${BASH_VERSION%%.*}"', shell: 'bash' }, false);
    const r = await localExec(built.command, { stdin: built.stdin, holdStdin: true });
    expect(r.stdout).toMatch(/^3 \d+\n$/);
  });

  it('builds the sudo forms: -n without a password; -S with the password as the first stdin line', () => {
    const M = 'TEKNISI_SCRIPT_END_0123';
    expect(buildPosixCommand({ script: 'id -u', parameters: { A: "x'y" } }, {}, M)).toEqual({
      command: `sudo -n -- sh -c ${shQuote(POSIX_TETHER)} teknisi ${M}`,
      stdin: `${M}.begin\nexport A='x'\\''y'\nid -u\n${M}\n`,
      shown: `sudo -n -- env 'A=x'\\''y' sh -c <the script, stopped if the connection drops>`,
      holdStdin: true,
    });
    const withPassword = buildPosixCommand({ script: 'id -u' }, { password: 's3cret' }, M);
    expect(withPassword.command).toBe(`sudo -S -p '' -- sh -c ${shQuote(POSIX_TETHER)} teknisi ${M}`);
    expect(withPassword.stdin).toBe(`s3cret\n${M}.begin\nid -u\n${M}\n`);
  });

  it('never runs the password as script text when sudo does not ask for it (a cached ticket): the tether skips to the script', async () => {
    const proof = join(tmpdir(), `teknisi-sudo-proof-${process.pid}`);
    rmSync(proof, { force: true });
    const built = buildPosixCommand({ script: 'echo script ran' }, { password: `pw;touch ${proof};echo leaked` });
    // as sudo runs it when it does not read stdin: the tether gets the password line first
    const asRoot = built.command.replace(/^sudo -S -p '' -- /, '');
    expect(asRoot).not.toBe(built.command);
    const r = await localExec(asRoot, { stdin: built.stdin, holdStdin: true });
    expect(r.stdout).toBe('script ran\n');
    expect(r.stderr).toBe('');
    expect(existsSync(proof)).toBe(false);
  });

  it('picks a marker that no line of the script holds', () => {
    const a = buildPosixCommand({ script: 'true' }, false);
    const b = buildPosixCommand({ script: 'true' }, false);
    expect(a.command).not.toBe(b.command);
    expect(a.stdin).toMatch(MARK);
  });
});

describe('the tether: a script never outlives the channel that started it (real sh, in a session of its own)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'teknisi-tether-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('runs to the end while stdin stays open, with the exit code of the script', async () => {
    const mark = join(dir, 'done');
    const built = buildPosixCommand({ script: `sleep 1; echo done > "$MARK"; exit 7`, parameters: { MARK: mark } }, false);
    const r = await localRun(built.command, { stdin: built.stdin, holdStdin: true });
    expect(r.code).toBe(7);
    expect(existsSync(mark)).toBe(true);
  });

  it('hangs up the script and its children when stdin closes (the connection dropped)', async () => {
    const mark = join(dir, 'done');
    const child = join(dir, 'child');
    const built = buildPosixCommand({ script: `(sleep 2; echo x > "$CHILD") & sleep 2; echo done > "$MARK"`, parameters: { MARK: mark, CHILD: child } }, false);
    const started = Date.now();
    const r = await localRun(built.command, { stdin: built.stdin, holdStdin: true, dropAfterMs: 300 });
    expect(Date.now() - started).toBeLessThan(1_900);
    expect(r.code === 0 && r.signal === null).toBe(false);
    await wait(2_500);
    expect(existsSync(mark)).toBe(false);
    expect(existsSync(child)).toBe(false);
  });

  it('kills, a few seconds later, a script that ignores the hang-up', async () => {
    const mark = join(dir, 'done');
    const built = buildPosixCommand({ script: `trap '' HUP TERM; sleep 6; echo done > "$MARK"`, parameters: { MARK: mark } }, false);
    await localRun(built.command, { stdin: built.stdin, holdStdin: true, dropAfterMs: 300 });
    await wait(6_500);
    expect(existsSync(mark)).toBe(false);
  });

  it('refuses a script cut short (no marker before end-of-file) and runs none of it', async () => {
    const mark = join(dir, 'ran');
    const built = buildPosixCommand({ script: `echo ran > "$MARK"\necho more`, parameters: { MARK: mark } }, false);
    const cut = built.stdin!.slice(0, built.stdin!.indexOf('\n') + 1);
    const r = await localRun(built.command, { stdin: cut });
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('the script did not arrive whole');
    expect(existsSync(mark)).toBe(false);
  });
});

describe('runCommandTask', () => {
  it('succeeds on exit 0 with the output in the log (real sh)', async () => {
    const out = await runCommandTask({ exec: localExec, sudo: false }, { script: 'echo "hello $WHO"; echo oops >&2', parameters: { WHO: '$(id)' } });
    expect(out).toMatchObject({ status: 'succeeded', exitCode: 0, rebootRequired: false, changed: [] });
    expect(out.log).toContain('hello $(id)\n');
    expect(out.log).toContain('[stderr]\noops\n[exit 0]');
    expect(out.log).toMatch(/^\$ env 'WHO=\$\(id\)' sh -c <the script, stopped if the connection drops>\n/);
  });

  it('keeps how a long script ended in its log: the last lines and the exit code, and how much was cut (real sh)', async () => {
    // 3 MB of progress, then the line that says what went wrong: before, the log was its first
    // megabyte, "[… truncated]", and neither the failure nor the exit code
    const script = 'i=0; while [ $i -lt 3000 ]; do printf "%01000d\\n" $i; i=$((i+1)); done; echo "FINAL: migration step 7 failed"; exit 3';
    const out = await runCommandTask({ exec: localExec, sudo: false }, { script });
    expect(out).toMatchObject({ status: 'failed', reason: 'exited with code 3', exitCode: 3 });
    expect(Buffer.byteLength(out.log)).toBeLessThanOrEqual(COMMAND_LIMITS.logBytes);
    expect(out.log).toMatch(/^\$ sh -c <the script/);
    expect(out.log).toMatch(/FINAL: migration step 7 failed\n\[exit 3\]\n$/);
    const cut = /\n\[… (\d+) bytes of this log cut here …\]\n/.exec(out.log);
    // 3,003,000 bytes of output went in; what is kept and what was cut add up to all of it
    expect(Number(cut![1])).toBeGreaterThan(3_003_000 - COMMAND_LIMITS.logBytes);
  });

  it('fails, not transient, with the exit code', async () => {
    const out = await runCommandTask({ exec: localExec, sudo: false }, { script: 'exit 3' });
    expect(out).toEqual({ status: 'failed', transient: false, reason: 'exited with code 3', exitCode: 3, log: expect.any(String) });
  });

  it('says when the host killed the script with a signal', async () => {
    const { host } = fakeHost([[/sh -c/, { code: null, stdout: 'half\n' }]]);
    const exec = host.exec;
    host.exec = async (c, o) => ({ ...(await exec(c, o)), signal: 'TERM' });
    const out = await runCommandTask(host, { script: 'sleep 100' });
    expect(out).toMatchObject({ status: 'failed', transient: false, reason: 'killed by SIGTERM on the host', exitCode: null });
    expect(out.log).toContain('[killed by SIGTERM]');
  });

  it('fails a time-out without a retry (the script may have done part of its work)', async () => {
    const { host, calls } = fakeHost([[/sh -c/, { timedOut: true, stdout: 'step 1 done\n' }]]);
    const out = await runCommandTask(host, { script: 'sleep 100', timeoutSec: 5 });
    expect(out).toMatchObject({ status: 'failed', transient: false, reason: 'timed out after 5s', exitCode: null });
    expect(calls[0].timeoutMs).toBe(5000);
    expect(out.log).toContain('[timed out after 5 s]');
  });

  it('fails a script whose connection dropped while it ran without a retry (a reboot ends it this way), and retries one that never started', async () => {
    const { host } = fakeHost([]);
    host.exec = async () => {
      throw new SshError('protocol', 'lab@192.0.2.5:22: the connection closed before the command finished');
    };
    const out = await runCommandTask(host, { script: 'apt-get -y dist-upgrade; shutdown -r now' });
    // before: the error went to the runner, which took it for transient and ran the script again, up to 3 times
    expect(out).toMatchObject({ status: 'failed', transient: false, exitCode: null, reason: 'the connection was lost while the script ran: it may have run in part or whole (a reboot ends it this way); not run again' });
    expect(out.log).toContain('[the connection was lost while the script ran]');
    for (const before of [new SshError('protocol', 'lab@192.0.2.5:22: the connection is closed'), new ChannelRefused('lab@192.0.2.5:22: the server refused to run a command: open failed')]) {
      host.exec = async () => {
        throw before;
      };
      await expect(runCommandTask(host, { script: 'true' })).rejects.toBe(before);
    }
  });

  it('defaults to a 600 s time-out', async () => {
    const { host, calls } = fakeHost([[/sh -c/, { code: 0 }]]);
    await runCommandTask(host, { script: 'true' });
    expect(calls[0].timeoutMs).toBe(600_000);
  });

  it('asks sudo first whether it needs the password, and sends it on stdin only when it does', async () => {
    const PASSWORD = "hunter2'$(id)";
    const { host, calls } = fakeHost([
      [/^sudo -n true$/, { code: 1, stderr: 'sudo: a password is required\n' }], [/^sudo -S -p '' -v$/, { code: 0 }], [/^sudo -S/, { code: 0, stdout: `0\n${PASSWORD}\n` }],
    ], { sudo: true, sudoPassword: PASSWORD });
    const out = await runCommandTask(host, { script: 'id -u', sudo: true });
    expect(out.status).toBe('succeeded');
    // the password alone first, then with the script
    expect(calls[1]).toMatchObject({ command: "sudo -S -p '' -v", stdin: `${PASSWORD}\n` });
    expect(calls[2].command).toMatch(/^sudo -S -p '' -- sh -c '/);
    expect(calls[2].stdin).toMatch(new RegExp(`^${PASSWORD.replace(/[$()]/g, '\\$&')}\\n(TEKNISI_SCRIPT_END_[0-9a-f]{32})\\.begin\\nid -u\\n\\1\\n$`));
    expect(calls.every((c) => !c.command.includes(PASSWORD))).toBe(true);
    expect(out.log).not.toContain(PASSWORD);
  });

  it('keeps the password off stdin when sudo does not need it (it would become script text)', async () => {
    const { host, calls } = fakeHost([[/^sudo -n true$/, { code: 0 }], [/^sudo -n -- sh -c /, { code: 0 }]], { sudo: true, sudoPassword: 'pw-unused' });
    await runCommandTask(host, { script: 'id -u', sudo: true });
    expect(calls[1].stdin).toMatch(/^(TEKNISI_SCRIPT_END_[0-9a-f]{32})\.begin\nid -u\n\1\n$/);
  });

  it.each([
    ['Sorry, try again.\nsudo: 1 incorrect password attempt\n', 'sudo refused: wrong password'],
    ['sudo: a password is required\n', 'sudo refused: a password is required and the credential has none'],
  ])('reports sudo refusing (%j), not transient', async (stderr, reason) => {
    const { host } = fakeHost([[/^sudo -n true$/, { code: 1 }], [/^sudo -S/, { code: 1, stderr }]], { sudo: true, sudoPassword: 'wrongpw' });
    expect(await runCommandTask(host, { script: 'id', sudo: true })).toMatchObject({ status: 'failed', transient: false, reason });
  });

  it('tries the password on its own first: a wrong one never has the script behind it for sudo to read as more attempts', async () => {
    const stderr = 'Sorry, try again.\nsudo: no password was provided\nsudo: 1 incorrect password attempt\n';
    const { host, calls } = fakeHost([[/^sudo -n true$/, { code: 1 }], [/^sudo -S -p '' -v$/, { code: 1, stderr }]], { sudo: true, sudoPassword: 'wrongpw' });
    expect(await runCommandTask(host, { script: 'id', parameters: { TOKEN: 'secret-value' }, sudo: true })).toMatchObject({ status: 'failed', transient: false, reason: 'sudo refused: wrong password' });
    expect(calls.map((c) => c.command)).toEqual(['sudo -n true', "sudo -S -p '' -v"]);
    expect(calls[1].stdin).toBe('wrongpw\n');
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
