import { execSync } from 'child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterFence, fenced, FENCE } from '../../protocols/ssh/fence';
import { execOk, fakeSession, fixture } from '../fixtures/fake-session';
import { linuxSource, readFileCommand, validateConfigFiles } from './linux';

/** a host's answer to a fenced command: the fence, then the command's own output */
const fencedOk: typeof execOk = (stdout, over) => execOk(`${FENCE}\n${stdout}`, over);

const opts = { timeoutMs: 20_000, maxBytes: 1_000_000 };
const sshd = fixture('linux-sshd_config.txt');

describe('linux source', () => {
  it('reads each file with one fixed command and puts a "### <path>" header before each', async () => {
    const s = fakeSession({
      exec: {
        [fenced(readFileCommand('/etc/ssh/sshd_config'))]: fencedOk(sshd),
        [fenced(readFileCommand('/etc/resolv.conf'))]: fencedOk('nameserver 192.0.2.53\nsearch branch.example.net'),
      },
    });
    const got = await linuxSource.fetch(s, { ...opts, files: ['/etc/ssh/sshd_config', '/etc/resolv.conf'] });
    expect(got.text).toBe(`### /etc/ssh/sshd_config\n${sshd}### /etc/resolv.conf\nnameserver 192.0.2.53\nsearch branch.example.net\n`);
    expect(got.source).toBe('cat /etc/ssh/sshd_config /etc/resolv.conf');
    expect(s.calls.map((c) => c.command)).toEqual([
      "printf '%s\\n' teknisi-output-4d1b7e; exec /bin/sh -c 'test -e /etc/ssh/sshd_config || exit 3; test -f /etc/ssh/sshd_config && test -r /etc/ssh/sshd_config || exit 4; exec cat -- /etc/ssh/sshd_config'",
      "printf '%s\\n' teknisi-output-4d1b7e; exec /bin/sh -c 'test -e /etc/resolv.conf || exit 3; test -f /etc/resolv.conf && test -r /etc/resolv.conf || exit 4; exec cat -- /etc/resolv.conf'",
    ]);
  });

  it('quotes a path with a space, a quote and a $(id) so that the shell runs nothing of it', () => {
    const path = "/srv/my app/it's $(id).conf";
    const cmd = readFileCommand(path);
    expect(cmd).toContain(`cat -- '/srv/my app/it'\\''s $(id).conf'`);
    // the real sh reads the quoted word back as the path, unexpanded
    const word = cmd.slice(cmd.indexOf('cat -- ') + 'cat -- '.length);
    expect(execSync(`printf '%s' ${word}`, { shell: '/bin/sh' }).toString()).toBe(path);
  });

  it('reads that file through a login shell and /bin/sh, fenced: its bytes and nothing else', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-cfg-'));
    try {
      const file = path.join(dir, "my app/it's $(id).conf");
      fs.mkdirSync(path.dirname(file));
      fs.writeFileSync(file, 'PermitRootLogin no\n');
      const out = execSync(`echo Welcome; ${fenced(readFileCommand(file))}`, { shell: '/bin/bash' }).toString();
      expect(afterFence(out)).toBe('PermitRootLogin no\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a missing and an unreadable file as a header line, not a failure', async () => {
    const s = fakeSession({
      exec: (c) => (c.includes('/etc/gone.conf') ? fencedOk('', { code: 3 }) : c.includes('/etc/shadow') ? fencedOk('', { code: 4 }) : fencedOk('x 1\n')),
    });
    const got = await linuxSource.fetch(s, { ...opts, files: ['/etc/gone.conf', '/etc/shadow', '/etc/x.conf'] });
    expect(got.text).toBe('### /etc/gone.conf (missing)\n### /etc/shadow (unreadable)\n### /etc/x.conf\nx 1\n');
  });

  it.each([
    [[], /no files listed/],
    [['etc/ssh/sshd_config'], /not an absolute path/],
    [['/etc/a\nb'], /NUL or a line break/],
    [['/etc/a\0b'], /NUL or a line break/],
    [Array.from({ length: 65 }, (_, i) => `/etc/f${i}`), /65 files listed; at most 64/],
  ])('refuses the file list %j before running anything', async (files, message) => {
    const s = fakeSession({ exec: () => execOk('') });
    await expect(linuxSource.fetch(s, { ...opts, files: files as string[] })).rejects.toThrow(message);
    expect(s.calls).toEqual([]);
  });

  it('accepts 64 files', () => {
    expect(validateConfigFiles(Array.from({ length: 64 }, (_, i) => `/etc/f${i}`))).toBeNull();
  });

  it('fails over the cap instead of storing a cut configuration, and passes the remaining budget on', async () => {
    const s = fakeSession({ exec: (c) => (c.includes('/etc/big') ? fencedOk('x'.repeat(500), { truncated: true }) : fencedOk('a'.repeat(400))) });
    await expect(linuxSource.fetch(s, { ...opts, maxBytes: 1000, files: ['/etc/small', '/etc/big'] })).rejects.toThrow(
      'reading /etc/big: the configuration exceeds the cap of 1000 bytes',
    );
    expect(s.calls[0].opts?.maxBytes).toBe(1000);
    expect(s.calls[1].opts?.maxBytes).toBe(1000 - '### /etc/small\n'.length - 401);
  });

  it('fails when the read was killed (no exit status) rather than storing the file as unreadable', async () => {
    const s = fakeSession({ exec: () => fencedOk('PermitRootLo', { code: null, signal: 'KILL' }) });
    // before: "### /etc/ssh/sshd_config (unreadable)", on which must-not-contain rules passed
    await expect(linuxSource.fetch(s, { ...opts, files: ['/etc/ssh/sshd_config'] })).rejects.toThrow('reading /etc/ssh/sshd_config: the command ended without an exit status (signal KILL)');
  });

  it('fails on a time-out, naming the file', async () => {
    const s = fakeSession({ exec: () => execOk('', { code: null, timedOut: true }) });
    await expect(linuxSource.fetch(s, { ...opts, files: ['/etc/hosts'] })).rejects.toThrow('reading /etc/hosts: no complete answer within 20000 ms');
  });

  it('leaves out what the host\'s login scripts print before the file, and fails when the command never ran', async () => {
    const greeting = `Welcome to web01! Last backup: ${new Date().toISOString()}\n`;
    const s = fakeSession({ exec: () => execOk(`${greeting}${FENCE}\nPort 22\n`) });
    expect((await linuxSource.fetch(s, { ...opts, files: ['/etc/ssh/sshd_config'] })).text).toBe('### /etc/ssh/sshd_config\nPort 22\n');
    const menu = fakeSession({ exec: () => execOk('This account may only use the appliance menu.\n') });
    await expect(linuxSource.fetch(menu, { ...opts, files: ['/etc/hosts'] })).rejects.toThrow("reading /etc/hosts: the host's shell did not run the command (is the login shell a POSIX shell?)");
  });

  it('has no push', () => {
    expect(linuxSource.push).toBeUndefined();
  });
});
