import { execFileSync } from 'node:child_process';
import { HostSession, LOG_CAP, QUERY_TIMEOUT_MS, TaskTimedOut } from './host';
import { fakeHost } from './fixtures/fake-host';
import { classify } from './classify';

describe('HostSession.build', () => {
  const session = (sudo: boolean, sudoPassword?: string) => new HostSession({ exec: async () => ({ code: 0, stdout: '', stderr: '', truncated: false, timedOut: false }), sudo, sudoPassword }, false, 60_000);

  it('runs unprivileged commands without sudo, even with sudo on, in the C locale', () => {
    expect(session(true, 'pw').build({ line: 'dpkg-query -W -- bash' })).toEqual({ command: 'env LC_ALL=C dpkg-query -W -- bash', shown: 'env LC_ALL=C dpkg-query -W -- bash' });
  });

  it.each([
    ['no sudo', session(false), 'env LC_ALL=C apt-cache policy -- apt'],
    ['sudo -n', session(true), 'sudo -n -- env LC_ALL=C apt-cache policy -- apt'],
    ['sudo -S', session(true, 'pw'), "sudo -S -p '' -- sh -c 'exec \"$@\" </dev/null' sh env LC_ALL=C apt-cache policy -- apt"],
  ])('asks for the C locale after sudo (%s), whatever LANG the host gives the session', (_, s, command) => {
    expect(s.build({ line: 'apt-cache policy -- apt', privileged: true }).command).toBe(command);
  });

  it('overrides a German LANG and LC_ALL of the session (real sh, sudo left out)', () => {
    const b = session(true, 'pw').build({ line: 'sh -c \'printf "%s|%s" "$LC_ALL" "$LANG"\'', privileged: true });
    const env = { PATH: process.env.PATH, LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', LC_MESSAGES: 'de_DE.UTF-8' };
    expect(execFileSync('sh', ['-c', `${b.command.replace(/^sudo -S -p '' -- /, '')}; cat >/dev/null`], { input: b.stdin, encoding: 'utf8', env })).toBe('C|de_DE.UTF-8');
  });

  it('puts environment after sudo through env, quoted', () => {
    expect(session(true).build({ line: 'apt-get update', privileged: true, env: { DEBIAN_FRONTEND: 'noninteractive', ODD: "a b'c" } }).command)
      .toBe("sudo -n -- env LC_ALL=C DEBIAN_FRONTEND=noninteractive 'ODD=a b'\\''c' apt-get update");
  });

  it('with a password: sudo -S, an empty prompt, the password as the only stdin', () => {
    const b = session(true, 'pw').build({ line: 'apt-get update', privileged: true });
    expect(b).toEqual({ command: "sudo -S -p '' -- sh -c 'exec \"$@\" </dev/null' sh env LC_ALL=C apt-get update", stdin: 'pw\n', shown: b.command });
  });

  it('gives the command /dev/null, so a password sudo did not need never reaches it (real sh, sudo left out)', () => {
    const b = session(true, 'hunter2').build({ line: "sh -c 'if read x; then echo \"got $x\"; else echo eof; fi'", privileged: true });
    const afterSudo = b.command.replace(/^sudo -S -p '' -- /, '');
    // the trailing cat reads what the command left, as sudo would have: a shell that exits
    // before its input is written makes the write fail with EPIPE (seen once in CI)
    expect(execFileSync('sh', ['-c', `${afterSudo}; cat >/dev/null`], { input: b.stdin, encoding: 'utf8' })).toBe('eof\n');
  });

  it('sends PowerShell with -EncodedCommand and no sudo', () => {
    const s = new HostSession({ exec: async () => ({ code: 0, stdout: '', stderr: '', truncated: false, timedOut: false }), sudo: true, sudoPassword: 'pw' }, true, 60_000);
    const b = s.build({ line: "winget list --id 'Git.Git'", privileged: true });
    expect(b.command).toMatch(/^powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand /);
    expect(b.stdin).toBeUndefined();
    expect(b.shown).toBe("powershell -EncodedCommand <<< winget list --id 'Git.Git'");
  });
});

describe('HostSession.run', () => {
  it('gives a query at most 2 minutes and the change the time left', async () => {
    let now = 0;
    const { host, calls } = fakeHost([[/./, { code: 0 }]]);
    const s = new HostSession(host, false, 600_000, undefined, () => now);
    await s.run({ line: 'q', query: true });
    now = 100_000;
    await s.run({ line: 'change' });
    expect(calls.map((c) => c.timeoutMs)).toEqual([QUERY_TIMEOUT_MS, 500_000]);
    now = 600_000;
    await expect(s.run({ line: 'late' })).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('caps the log at 1 MiB, keeping its start and how it ended, and says how much was cut', async () => {
    const { host } = fakeHost([[/three/, { code: 2, stderr: 'E: Sub-process /usr/bin/dpkg returned an error code (1)\n' }], [/./, { code: 0, stdout: 'x'.repeat(700 * 1024) }]]);
    const s = new HostSession(host, false, 60_000);
    await s.run({ line: 'one' });
    await s.run({ line: 'two' });
    await s.run({ line: 'three' });
    s.note('reboot required');
    const log = s.log();
    expect(Buffer.byteLength(log)).toBeLessThanOrEqual(LOG_CAP);
    expect(log.startsWith('$ env LC_ALL=C one\n')).toBe(true);
    // before: cut at the first megabyte, the failing step and its exit code lost
    expect(log).toMatch(/\$ env LC_ALL=C three\n\[stderr\]\nE: Sub-process \/usr\/bin\/dpkg returned an error code \(1\)\n\[exit 2\]\n# reboot required\n$/);
    const cut = /\n\[… (\d+) bytes of this log cut here …\]\n/.exec(log)!;
    const whole = ['$ env LC_ALL=C one\n', `${'x'.repeat(700 * 1024)}\n[exit 0]\n`, '$ env LC_ALL=C two\n', `${'x'.repeat(700 * 1024)}\n[exit 0]\n`, '$ env LC_ALL=C three\n',
      '[stderr]\nE: Sub-process /usr/bin/dpkg returned an error code (1)\n[exit 2]\n', '# reboot required\n'].join('');
    expect(Buffer.byteLength(log) - Buffer.byteLength(cut[0]) + Number(cut[1])).toBe(Buffer.byteLength(whole));
  });

  it('scrubs the sudo password from output that echoes it', async () => {
    const { host } = fakeHost([[/./, { code: 1, stderr: 'bad password s3cr3t-pw\n' }]], { sudo: true, sudoPassword: 's3cr3t-pw' });
    const s = new HostSession(host, false, 60_000);
    await s.run({ line: 'x', privileged: true });
    expect(s.log()).not.toContain('s3cr3t-pw');
  });
});

describe('classify', () => {
  const r = (code: number | null, stderr = '', stdout = '') => ({ code, stderr, stdout, truncated: false, timedOut: false });
  it('calls a missing tool definite', () => expect(classify('zypper', r(127, 'sh: 1: zypper: not found\n'), [], 1000)).toEqual({ transient: false, reason: 'zypper is not installed on the host (command not found)' }));
  it('falls back to the exit code and the error line', () => expect(classify('dnf', r(1, 'Error: Some odd thing\n'), [], 1000)).toEqual({ transient: false, reason: 'dnf exited with code 1: Error: Some odd thing' }));
  it('writes HRESULTs in hex', () => expect(classify('winget', r(2316632067), [], 1000).reason).toBe('winget exited with code 0x8A150003'));
});
