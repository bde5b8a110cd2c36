// The Linux agent's cron line exactly as agents/README.md documents it (read from the README's
// code block, so that the two cannot drift), run the way cron runs the command part of an
// /etc/cron.d line: `/bin/sh -c` in cron's own environment (no /usr/local/bin, no sbin, no user
// variables). Only what must differ on a test machine is substituted: the server URL (a test
// server on 127.0.0.1), the token file (an enrollment token an admin created, in a 0600 file),
// the installed agent's path (this repository's script) and the random delay's range, 0-0, so
// that the real shuf and sleep still run. `logger` is a stub first on PATH that keeps what it
// was given: the real one drops every line, silently and with exit 0, where nothing listens on
// /dev/log (as on a CI container), which would hide a failing agent.
import { CronExpressionParser } from 'cron-parser';
import { execFile, execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bearer, createTestApp, TestApp } from './support/app';

const README = path.resolve(__dirname, '../agents/README.md');
const AGENT = path.resolve(__dirname, '../agents/linux/teknisi-agent.sh');

/** The one line of an /etc/cron.d file among the README's code blocks. */
function readmeCronLine(): { schedule: string; user: string; command: string } {
  const text = fs.readFileSync(README, 'utf8');
  const blocks = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  const lines = blocks.flatMap((b) => b.split('\n')).filter((l) => /^(\S+\s+){5}root\s+\S/.test(l));
  if (lines.length !== 1) throw new Error(`expected one cron.d line in ${README}, found ${lines.length}`);
  // fields 1-5 the schedule, 6 the user, 7+ the command (as cron reads it: the rest of the line)
  const m = /^(\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+(\S+)\s+(.*)$/.exec(lines[0])!;
  return { schedule: m[1], user: m[2], command: m[3] };
}

/** Replaces every occurrence, and fails when the README no longer holds `from`. */
function substitute(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`the README's cron line no longer holds ${from}: ${text}`);
  return typeof from === 'string' ? text.split(from).join(to) : text.replace(new RegExp(from, 'g'), to);
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `command` as cron runs it (cron's default environment; `stubs` first on PATH). */
function asCron(command: string, stubs: string): Promise<Run> {
  const env = ['SHELL=/bin/sh', `PATH=${stubs}:/usr/bin:/bin`, 'HOME=/root', 'LOGNAME=root'];
  return new Promise((resolve) => {
    execFile('/usr/bin/env', ['-i', ...env, '/bin/sh', '-c', command], { encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const dpkgInstalled = () => Number(execFileSync('sh', ['-c', "dpkg-query -W -f='${db:Status-Abbrev}\\n' | grep -c '^ii'"], { encoding: 'utf8' }).trim());

describe("the Linux agent's cron line from agents/README.md, run as cron runs it", () => {
  const line = readmeCronLine();
  let t: TestApp;
  let dir: string;
  let stubs: string;
  let command: string;
  const loggerOut = () => fs.readFileSync(path.join(dir, 'logger.out'), 'utf8');
  const loggerArgs = () => fs.readFileSync(path.join(dir, 'logger.args'), 'utf8');

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const created = await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send({ name: 'cron' });
    expect(created.status).toBe(201);

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-agent-cron-')); // 0700, as /etc/teknisi
    const tokenFile = path.join(dir, 'agent.token');
    fs.writeFileSync(tokenFile, `${created.body.token}\n`, { mode: 0o600 });
    stubs = path.join(dir, 'bin');
    fs.mkdirSync(stubs);
    fs.writeFileSync(path.join(dir, 'logger.out'), '');
    fs.writeFileSync(path.join(dir, 'logger.args'), '');
    fs.writeFileSync(path.join(stubs, 'logger'), `#!/bin/sh\nprintf '%s\\n' "$*" >>${shq(path.join(dir, 'logger.args'))}\nexec cat >>${shq(path.join(dir, 'logger.out'))}\n`, { mode: 0o755 });

    command = line.command;
    command = substitute(command, 'https://teknisi.example.com', url);
    command = substitute(command, '/etc/teknisi/agent.token', shq(tokenFile));
    command = substitute(command, '/usr/local/sbin/teknisi-agent', shq(AGENT));
    command = substitute(command, /shuf -i 0-\d+ /, 'shuf -i 0-0 ');
  });
  afterAll(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is a line cron takes: a valid schedule, root, no % (cron makes it a newline), the documented delay', () => {
    expect(() => CronExpressionParser.parse(line.schedule)).not.toThrow();
    expect(line.user).toBe('root');
    expect(line.command).not.toMatch(/%/);
    expect(line.command).toMatch(/^sleep \$\(shuf -i 0-3600 -n 1 2>\/dev\/null \|\| echo 0\); \/usr\/local\/sbin\/teknisi-agent /);
    expect(line.command).toMatch(/ 2>&1 \| logger -t teknisi-agent$/);
    expect(command).not.toMatch(/example\.com|\/etc\/teknisi|\/usr\/local/);
  });

  let deviceId: number;

  it('enrolls and reports: one device, source agent, dpkg\'s package count, its one line in the log', async () => {
    const run = await asCron(command, stubs);
    // cron would mail anything on stdout or stderr: all of it went to logger
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(loggerArgs()).toBe('-t teknisi-agent\n');
    const log = loggerOut();
    expect(log).toMatch(/^teknisi-agent: reported to http:\/\/127\.0\.0\.1:\d+: \{"deviceId":\d+,"created":true,[^\n]*\n$/);
    deviceId = Number(/"deviceId":(\d+)/.exec(log)![1]);

    const device = (await t.http.get(`/api/devices/${deviceId}`).set(bearer(t.adminToken))).body;
    expect(device).toMatchObject({ hostname: os.hostname().split('.')[0], platform: 'linux', osFamily: 'linux' });
    expect(device.sources.map((s: { kind: string }) => s.kind)).toEqual(['agent']);
    // cron's PATH has no sbin: the agent still found `ip` (it adds the sbin directories)
    const dry = JSON.parse(execFileSync('/bin/sh', [AGENT, '--dry-run'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
    expect(device.interfaces).toHaveLength(dry.interfaces.length);
    expect(device.interfaces.length).toBeGreaterThan(0);
    const software = await t.http.get(`/api/devices/${deviceId}/software?limit=1`).set(bearer(t.adminToken));
    expect(software.body.total).toBe(dpkgInstalled());
  });

  it('run again the same way: the same device, not a second one', async () => {
    const run = await asCron(command, stubs);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(loggerArgs()).toBe('-t teknisi-agent\n-t teknisi-agent\n');
    const lines = loggerOut().split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^teknisi-agent: reported to http://127\\.0\\.0\\.1:\\d+: \\{"deviceId":${deviceId},"created":false,`));
    const list = await t.http.get('/api/devices?limit=50').set(bearer(t.adminToken));
    expect(list.body.total).toBe(1);
    expect(list.body.items.map((d: { id: number }) => d.id)).toEqual([deviceId]);
    const software = await t.http.get(`/api/devices/${deviceId}/software?limit=1`).set(bearer(t.adminToken));
    expect(software.body.total).toBe(dpkgInstalled());
  });
});
