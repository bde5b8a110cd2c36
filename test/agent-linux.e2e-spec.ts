// The Linux agent for real, on this machine, against a test server listening on 127.0.0.1:
// its report is the one the SSH collector builds for the same machine (discovered through an
// unwrapped lab sshd, whose sessions run in this machine's own namespaces), it lands as one
// device with dpkg's own package count, and SSH discovery of the same machine keeps it one
// device with both sources. Then what an admin reads from a scheduler's log: exit codes and
// messages for an unreachable server, a refused token, an untrusted certificate; and JSON that
// stays valid for any bytes a package database may hold, with mawk, gawk and busybox awk; and
// GNU wget sending it where curl is missing.
import { execFile, execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateReport } from '../src/agents/report-schema';
import { HostKeysRepository } from '../src/discovery/host-keys.repository';
import { collectSsh } from '../src/discovery/ssh.collector';
import { parsePackages } from '../src/discovery/ssh/linux';
import { INGEST_LOCKS, ingestLockNames, IngestService } from '../src/inventory/ingest.service';
import { InventoryReport } from '../src/inventory/inventory-report';
import { SshClient } from '../src/protocols/ssh/ssh.client';
import { labDir, LabSshd } from './lab/sshd';
import { bearer, createTestApp, TestApp } from './support/app';
import { freePort } from './support/net';

const AGENT = path.resolve(__dirname, '../agents/linux/teknisi-agent.sh');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the agent with /bin/sh (or another shell); never throws on a non-zero exit. */
function agent(args: string[], opts: { env?: NodeJS.ProcessEnv; shell?: string[] } = {}): Promise<Run> {
  const [shell, ...shellArgs] = opts.shell ?? ['/bin/sh'];
  return new Promise((resolve) => {
    execFile(shell, [...shellArgs, AGENT, ...args], { env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** dpkg's own count of installed packages, asked the way the issue names it. */
const dpkgInstalled = () => Number(execFileSync('sh', ['-c', "dpkg-query -W -f='${db:Status-Abbrev}\\n' | grep -c '^ii'"], { encoding: 'utf8' }).trim());

/** JSON's view of a report: what survives the wire (no undefined members). */
const wire = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe('the Linux agent on this machine', () => {
  let t: TestApp;
  let url: string;
  let token: string;
  // the machine itself as a lab host: no ForceCommand, so sessions see this machine as it is
  const address = `127.79.${crypto.randomInt(1, 250)}.${crypto.randomInt(1, 250)}`;
  const selfDir = labDir('agent-self');
  const self = new LabSshd({ address, dir: selfDir, name: 'agent-self' });

  const collectOverSsh = async (): Promise<InventoryReport> => {
    const c = await SshClient.connect({
      host: address, port: self.port, username: self.credentials.username, password: self.credentials.password,
      timeoutMs: 15_000, hostKeys: t.app.get(HostKeysRepository).verifier(),
    });
    try {
      return await collectSsh(c, address);
    } finally {
      c.close();
    }
  };

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    token = (await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send({ name: 'this machine' })).body.token;
    await self.start();
  });
  afterAll(async () => {
    await self.stop(); // keeps its directory (keys, config): removed here
    fs.rmSync(selfDir, { recursive: true, force: true });
    await t?.close();
  });

  it('prints with --dry-run a valid report: the one SSH collects from this machine, field for field', async () => {
    const dry = await agent(['--dry-run']);
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout).toMatch(/^[\x20-\x7e]*\n$/); // one line of ASCII JSON
    const report = JSON.parse(dry.stdout);
    expect(validateReport(report)).toEqual([]);
    expect(report.agent).toEqual({ name: 'teknisi-agent.sh', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(Math.abs(Date.parse(report.collectedAt) - Date.now())).toBeLessThan(120_000);

    const { source, ...ssh } = wire(await collectOverSsh());
    expect(source).toBe('ssh');
    // SSH puts the address it reached the machine at first; the agent reached nothing
    ssh.identity.addresses = ssh.identity.addresses!.slice(1);
    const { agent: _a, collectedAt: _c, ...mine } = report;
    // the agent also puts the machine id in its identity (a run whose lsblk failed sends no hardware)
    expect(mine.identity.machineId).toBe(ssh.hardware!.find((h) => h.name === 'machine-id')!.serial);
    delete mine.identity.machineId;
    expect(mine).toEqual(ssh);
    expect(mine.identity.macs.length).toBeGreaterThan(0);
    expect(mine.software.length).toBe(dpkgInstalled());
  });

  let deviceId: number;

  it('sends it: one device, source agent, with as many packages as dpkg counts installed', async () => {
    const run = await agent(['--server', url, '--token', token]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^teknisi-agent: reported to http:\/\/127\.0\.0\.1:\d+: \{"deviceId":\d+,"created":true,/);
    deviceId = Number(/"deviceId":(\d+)/.exec(run.stdout)![1]);
    const device = (await t.http.get(`/api/devices/${deviceId}`).set(bearer(t.adminToken))).body;
    expect(device).toMatchObject({ hostname: os.hostname().split('.')[0], platform: 'linux', osFamily: 'linux', sources: [expect.objectContaining({ kind: 'agent' })] });
    const software = await t.http.get(`/api/devices/${deviceId}/software?limit=1`).set(bearer(t.adminToken));
    expect(software.body.total).toBe(dpkgInstalled());
  });

  it('stays one device with both sources when SSH discovers the same machine', async () => {
    const ingest = t.app.get(IngestService);
    const bySsh = await ingest.ingest(await collectOverSsh());
    expect(bySsh).toMatchObject({ deviceId, created: false, matchedBy: 'mac' });
    const again = await agent(['--server', url, '--token', token, '--quiet']);
    expect(again).toEqual({ code: 0, stdout: '', stderr: '' });
    const list = await t.http.get('/api/devices?limit=50').set(bearer(t.adminToken));
    expect(list.body.total).toBe(1);
    const device = (await t.http.get(`/api/devices/${deviceId}`).set(bearer(t.adminToken))).body;
    expect(device.sources.map((s: { kind: string }) => s.kind).sort()).toEqual(['agent', 'ssh']);
    for (const s of device.sources) expect(Date.now() - Date.parse(s.lastSeen)).toBeLessThan(120_000);
    const software = await t.http.get(`/api/devices/${deviceId}/software?limit=1`).set(bearer(t.adminToken));
    expect(software.body.total).toBe(dpkgInstalled());
  });

  describe('exit codes and messages for a scheduler\'s log', () => {
    it.each([
      ['no arguments', [], 2, /^teknisi-agent: --server URL is required \(or --dry-run\)$/],
      ['no token', ['--server', 'http://127.0.0.1:9'], 2, /--token TOKEN is required/],
      ['a server that is no URL', ['--server', 'teknisi.example', '--token', 'x'], 2, /must start with https:\/\/ or http:\/\//],
      ['a token with characters no token has', ['--server', 'http://127.0.0.1:9', '--token', 'a"b'], 2, /never has/],
      ['an unknown option', ['--frobnicate'], 2, /unknown argument: --frobnicate/],
    ])('%s: exit %s', async (_what, args, code, message) => {
      const run = await agent(args as string[]);
      expect(run.code).toBe(code);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim()).toMatch(message as RegExp);
    });

    it('exits 4 when nothing listens at the server address', async () => {
      const port = await freePort();
      const run = await agent(['--server', `http://127.0.0.1:${port}`, '--token', token]);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(new RegExp(`^teknisi-agent: cannot reach http://127\\.0\\.0\\.1:${port}/api/inventory/reports: .*(connect|refused)`, 'i'));
    });

    it('exits 6 for a rejected token, with the server\'s reason', async () => {
      const run = await agent(['--server', url, '--token', `tka_${'A'.repeat(43)}`]);
      expect(run).toMatchObject({ code: 6, stdout: '' });
      expect(run.stderr).toMatch(/^teknisi-agent: the server refused the token \(401\): Unknown enrollment token: ask an admin/);
      const created = (await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send({ name: 'to revoke' })).body;
      await t.http.delete(`/api/agents/tokens/${created.id}`).set(bearer(t.adminToken));
      const revoked = await agent(['--server', url, '--token', created.token]);
      expect(revoked.code).toBe(6);
      expect(revoked.stderr).toMatch(/was revoked on/);
    });

    it('reads the token from a file, and exits 8 when the token\'s budget is spent', async () => {
      const tight = (await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send({ name: 'tight', reportsPerMinute: 1 })).body.token;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-agent-'));
      const file = path.join(dir, 'token');
      fs.writeFileSync(file, `${tight}\n`, { mode: 0o600 });
      let run;
      try {
        expect((await agent(['--server', url, '--token-file', file, '-q'])).code).toBe(0);
        run = await agent(['--server', url, '--token-file', file]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      expect(run.code).toBe(8);
      expect(run.stderr).toMatch(/^teknisi-agent: too many reports for this token \(429\): Too many reports for enrollment token "tight"/);
    });

    it('exits 8, saying the server is busy, when its report is held up by another of the same machine (503)', async () => {
      const dry = JSON.parse((await agent(['--dry-run'])).stdout);
      const names = ingestLockNames({ ...dry, source: 'agent' }, t.db);
      const other = t.db.createQueryRunner();
      await other.connect();
      INGEST_LOCKS.waitSeconds = 1;
      let run;
      try {
        expect(Number((await other.query('SELECT GET_LOCK(?, 0) AS got', [names[names.length - 1]]))[0].got)).toBe(1);
        run = await agent(['--server', url, '--token', token]);
      } finally {
        INGEST_LOCKS.waitSeconds = 30;
        await other.query('SELECT RELEASE_ALL_LOCKS()');
        await other.release();
      }
      // before: exit 9 and "the server answered 500: Internal server error"
      expect(run.code).toBe(8);
      expect(run.stderr).toMatch(/^teknisi-agent: the server is busy \(503\): The report could not be stored now: timed out after 1 s waiting for another report of the same machine/);
    });
  });

  describe('without curl: GNU wget sends it', () => {
    // a PATH with everything of /usr/bin and /bin but curl (and, for the last case, but wget)
    let withoutCurl: string;
    let withNeither: string;
    const farm = (leaveOut: string[]) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-agent-path-'));
      for (const from of ['/usr/bin', '/bin']) {
        for (const name of fs.readdirSync(from)) {
          if (leaveOut.includes(name) || fs.existsSync(path.join(dir, name))) continue;
          fs.symlinkSync(path.join(from, name), path.join(dir, name));
        }
      }
      return dir;
    };
    const env = (dir: string) => ({ ...process.env, PATH: dir });
    beforeAll(() => {
      withoutCurl = farm(['curl']);
      withNeither = farm(['curl', 'wget']);
    });
    afterAll(() => {
      for (const d of [withoutCurl, withNeither]) if (d) fs.rmSync(d, { recursive: true, force: true });
    });

    it('reports the machine as curl does, to the same device', async () => {
      expect(fs.existsSync(path.join(withoutCurl, 'curl'))).toBe(false);
      expect(fs.existsSync(path.join(withoutCurl, 'wget'))).toBe(true);
      const run = await agent(['--server', url, '--token', token], { env: env(withoutCurl) });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^teknisi-agent: reported to http:\/\/127\.0\.0\.1:\d+: \{"deviceId":\d+,"created":false,/);
      expect(Number(/"deviceId":(\d+)/.exec(run.stdout)![1])).toBe(deviceId);
      const software = await t.http.get(`/api/devices/${deviceId}/software?limit=1`).set(bearer(t.adminToken));
      expect(software.body.total).toBe(dpkgInstalled());
    });

    it('exits 6 for a refused token and 4 when nothing listens, as with curl', async () => {
      const refused = await agent(['--server', url, '--token', `tka_${'B'.repeat(43)}`], { env: env(withoutCurl) });
      expect(refused).toMatchObject({ code: 6, stdout: '' });
      expect(refused.stderr).toMatch(/^teknisi-agent: the server refused the token \(401\)/);
      const port = await freePort();
      const unreachable = await agent(['--server', `http://127.0.0.1:${port}`, '--token', token], { env: env(withoutCurl) });
      expect(unreachable.code).toBe(4);
      expect(unreachable.stderr).toMatch(new RegExp(`^teknisi-agent: cannot reach http://127\\.0\\.0\\.1:${port}/api/inventory/reports: `));
    });

    it("exits 3 and says what to install when the only wget is BusyBox's (stock Alpine)", async () => {
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-agent-busybox-'));
      try {
        fs.symlinkSync('/usr/bin/busybox', path.join(bin, 'wget'));
        const run = await agent(['--server', url, '--token', token], { env: env(`${bin}:${withNeither}`) });
        // before: exit 4, "cannot reach …: -Y on/off Use proxy", as if the network were at fault
        expect(run).toMatchObject({ code: 3, stdout: '' });
        expect(run.stderr).toBe("teknisi-agent: this wget is BusyBox's, which cannot send the token privately: install curl (apk add curl) or GNU wget\n");
      } finally {
        fs.rmSync(bin, { recursive: true, force: true });
      }
    });

    it('exits 3 and says what to install when neither is there', async () => {
      const run = await agent(['--server', url, '--token', token], { env: env(withNeither) });
      expect(run).toMatchObject({ code: 3, stdout: '' });
      expect(run.stderr).toBe('teknisi-agent: neither curl nor wget is installed: install one of them to send reports\n');
    });
  });

  describe('TLS', () => {
    let tls: TestApp;
    let dir: string;
    let httpsUrl: string;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-agent-tls-'));
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
        '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      ], { stdio: 'ignore' });
      tls = await createTestApp({ env: { TEKNISI_TLS_CERT: path.join(dir, 'cert.pem'), TEKNISI_TLS_KEY: path.join(dir, 'key.pem') } });
      await tls.app.listen(0, '127.0.0.1');
      httpsUrl = `https://127.0.0.1:${(tls.app.getHttpServer().address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await tls?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('verifies the certificate by default (exit 5), trusts it with --ca-file, skips only when told', async () => {
      const tok = (await tls.http.post('/api/agents/tokens').disableTLSCerts().set(bearer(tls.adminToken)).send({ name: 'tls' })).body.token;
      const untrusted = await agent(['--server', httpsUrl, '--token', tok]);
      expect(untrusted.code).toBe(5);
      expect(untrusted.stderr).toMatch(/^teknisi-agent: the server's certificate at https:\/\/127\.0\.0\.1:\d+\/api\/inventory\/reports is not trusted: .*\(use --ca-file with the CA that signed it\)/);
      expect((await agent(['--server', httpsUrl, '--token', tok, '--ca-file', path.join(dir, 'cert.pem')])).code).toBe(0);
      expect((await agent(['--server', httpsUrl, '--token', tok, '--insecure-skip-tls-verify', '-q'])).code).toBe(0);
    });
  });

  describe('JSON for any bytes a package database holds', () => {
    let bin: string;
    let expected: NonNullable<InventoryReport['software']>;
    beforeAll(() => {
      bin = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-agent-bin-'));
      const names: Buffer[] = [
        Buffer.from('quote"in-name'), Buffer.from('back\\slash\\'), Buffer.from('ctl\x01\x1b[31mred\x7f'), Buffer.from('  padded  '),
        Buffer.from('café'), Buffer.from('日本語'), Buffer.from('emoji😀'), Buffer.from('\u00a0nbsp\u2028'),
        Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe]), Buffer.from([0x6c, 0x6f, 0x6e, 0x65, 0xc3]), Buffer.from([0x6f, 0x76, 0xc0, 0xaf, 0x65, 0x72]),
        Buffer.from([0x73, 0x75, 0x72, 0xed, 0xa0, 0x80]), Buffer.from([0x63, 0x75, 0x74, 0xf0, 0x9f, 0x98, 0x41]), Buffer.from([0xe2, 0x82]),
        Buffer.from('</script><script>alert(1)</script>'), Buffer.from("'); DROP TABLE software; --"), Buffer.from('x'.repeat(300)),
        Buffer.from(`${'é'.repeat(254)}😀`),
      ];
      const lines = names.map((n, i) => Buffer.concat([Buffer.from(i % 2 ? 'ii \t' : 'hi \t'), n, Buffer.from(`\t1.${i}\tamd64\n`)]));
      lines.push(Buffer.from('rc \tremoved-package\t1.0\tamd64\n'));
      fs.writeFileSync(path.join(bin, 'packages.out'), Buffer.concat(lines));
      fs.writeFileSync(path.join(bin, 'dpkg-query'), `#!/bin/sh\ncat '${path.join(bin, 'packages.out')}'\n`, { mode: 0o755 });
      // what the server's own decoder and parser make of the same bytes (the SSH collector's path)
      expected = wire(parsePackages(`#dpkg\n${Buffer.concat(lines).toString('utf8')}`)!);
      expect(expected).toHaveLength(names.length);
      // the one difference: at the 255-unit cap the collector keeps half of a surrogate pair,
      // where the agent stops before the character that does not fit
      expect(expected.at(-1)!.name).toBe(`${'é'.repeat(254)}\ud83d`);
      expected.at(-1)!.name = 'é'.repeat(254);
    });
    afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

    const awks = [['gawk', '/usr/bin/gawk'], ['mawk', '/usr/bin/mawk'], ['busybox awk', '/bin/busybox']].filter(([, p]) => fs.existsSync(p));

    it.each(awks)('escapes quotes, backslashes, control characters and invalid UTF-8 as the server decodes them (%s)', async (_name, awkPath) => {
      const awkDir = fs.mkdtempSync(path.join(bin, 'awk-'));
      fs.symlinkSync(awkPath, path.join(awkDir, 'awk'));
      const run = await agent(['--dry-run'], { env: { ...process.env, PATH: `${bin}:${awkDir}:${process.env.PATH}` } });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^[\x20-\x7e]*\n$/);
      const report = JSON.parse(run.stdout);
      expect(report.software).toEqual(expected);
      expect(report.software.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['quote"in-name', 'back\\slash\\', 'café', 'emoji😀', 'bad\ufffd\ufffd', 'x'.repeat(255)]));
      expect(validateReport(report)).toEqual([]);
    });

    it.each([['dash', ['/bin/dash']], ['busybox sh', ['/bin/busybox', 'sh']], ['bash --posix', ['/bin/bash', '--posix']]].filter(([, s]) => fs.existsSync(s[0] as string)))(
      'runs under %s with the same result',
      async (_name, shell) => {
        const run = await agent(['--dry-run'], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, shell: shell as string[] });
        expect(run).toMatchObject({ code: 0, stderr: '' });
        expect(JSON.parse(run.stdout).software).toEqual(expected);
      },
    );
  });
});
