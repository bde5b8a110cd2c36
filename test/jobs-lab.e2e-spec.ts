// Jobs against the device lab's real sshd hosts (issue 4): a package built here with dpkg-deb,
// served from the lab's file-based apt repository, installed, upgraded inside a maintenance
// window on an injected clock, and removed with a real `sudo apt-get` inside package hosts
// (checked with dpkg inside each host); re-runs skipped by the precheck; an unknown package
// failing at once while an unreachable host is retried; commands with hostile parameters; cancel.
// The hosts here are this spec's own (127.95.0.x): no other spec reads their packages.
import * as fs from 'node:fs';
import { JobsClock } from '../src/jobs/jobs.clock';
import { publishLabPackage, unpublishLabPackage } from './lab/apt-repo';
import { generatedIdentity } from './lab/identities';
import { LabPackageHost } from './lab/package-host';
import { LabSshHost } from './lab/sshd';
import { bearer, createTestApp, TestApp } from './support/app';
import { scanToEnd } from './support/scan';
import { until as untilWithin } from './support/until';

jest.setTimeout(240_000);

const PKG = 'teknisi-jobs-hello';
const hostA = new LabPackageHost({ address: '127.95.0.11', identity: generatedIdentity('lab-jobs-a', 0x9511) });
// its ~/.bashrc greets, and Debian's bash reads it for every command run over SSH; and its
// language is German, which its sessions and sudo get from its /etc/default/locale
const GREETING = 'Welcome to lab-jobs-b';
const hostB = new LabPackageHost({ address: '127.95.0.12', identity: generatedIdentity('lab-jobs-b', 0x9512), osRelease: 'ubuntu2204', bashrc: `echo "${GREETING}, $(date)"\n`, language: 'de_DE.UTF-8' });
// its account logs in to fish, which reads a command line before the sh it starts does
const shell = new LabSshHost({ address: '127.95.0.13', identity: generatedIdentity('lab-jobs-c', 0x9513), loginShell: '/usr/bin/fish' });
// and this one to tcsh, which runs each line of a command line on its own, quotes or not, and expands ! in quotes
const csh = new LabSshHost({ address: '127.95.0.14', identity: generatedIdentity('lab-jobs-d', 0x9514), loginShell: '/usr/bin/tcsh' });
/** nothing listens here: an unreachable machine */
const GONE = '127.95.0.99';

let t: TestApp;
let admin: { Authorization: string };
let clock: JobsClock;
const dev: Record<'a' | 'b' | 'c' | 'd', number> = { a: 0, b: 0, c: 0, d: 0 };
let credId = 0;

/** this spec's waits: up to 90 s, looking every 200 ms */
const until = <T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 90_000) => untilWithin(what, fn, ms, 200);

const job = async (id: number) => (await t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
const finished = (id: number, ms?: number) => until(`job ${id} to finish`, async () => {
  const j = await job(id);
  return ['completed', 'cancelled'].includes(j.status) && j.counts.running === 0 && j;
}, ms);
const create = async (body: object) => {
  const res = await t.http.post('/api/jobs').set(admin).send(body);
  if (res.status !== 201) throw new Error(`POST /api/jobs: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
};
const log = async (jobId: number, deviceId: number) => (await t.http.get(`/api/jobs/${jobId}/targets/${deviceId}/log`).set(admin).expect(200)).text;

/** dpkg's own answer inside the host: the installed version, or null. */
async function installedVersion(h: LabSshHost, name = PKG): Promise<string | null> {
  const out = await h.run(`dpkg-query -W -f='\${db:Status-Abbrev} \${Version}' ${name} 2>/dev/null || true`);
  const m = /^ii\s+(\S+)/m.exec(out.trim()); // after hostB's greeting
  return m ? m[1] : null;
}

async function scanIn(addresses: string[]): Promise<number[]> {
  const done = await scanToEnd(t.http, admin, { targets: addresses, credentialIds: [credId], options: { timeoutMs: 2000 } }, 90_000);
  if (done.status !== 'completed') throw new Error(`the scan ended ${done.status}`);
  const ids = addresses.map((a) => done.results.find((r: { address: string }) => r.address === a)?.deviceId as number);
  if (ids.some((id) => !id)) throw new Error(`scan did not identify every lab host: ${JSON.stringify(done.results)}`);
  return ids;
}

beforeAll(async () => {
  // a clean start: a run stopped before its afterAll leaves its 1.1 in the shared repository
  unpublishLabPackage(PKG);
  publishLabPackage({ name: PKG, version: '1.0' });
  await Promise.all([hostA.start(), hostB.start(), shell.start(), csh.start()]);
  t = await createTestApp({ consume: true, env: { TEKNISI_JOB_RECONCILE_MS: '300', TEKNISI_JOB_LEASE_MS: '10000' } });
  admin = bearer(t.adminToken);
  clock = t.app.get(JobsClock);
  // one lab user everywhere: one credential, with the sudo password the package hosts ask for
  const c = hostA.credentials;
  credId = (await t.http.post('/api/credentials').set(admin).send({ name: 'lab ssh', kind: 'ssh', username: c.username, password: c.password, sudoPassword: hostA.sudoPassword }).expect(201)).body.id;
  [dev.a, dev.b, dev.c, dev.d] = await scanIn([hostA.address, hostB.address, shell.address, csh.address]);
});

afterAll(async () => {
  clock?.reset();
  await t?.close();
  await Promise.allSettled([hostA.stop(), hostB.stop(), shell.stop(), csh.stop()]);
  unpublishLabPackage(PKG);
});

afterEach(() => clock?.reset());

describe('software jobs on lab hosts', () => {
  it('installs a package on every target, with per-machine output, and refreshes their inventory', async () => {
    expect(await installedVersion(hostA)).toBeNull();
    const id = await create({ name: 'hello everywhere', kind: 'software.install', params: { packages: [PKG] }, target: { deviceIds: [dev.a, dev.b] } });
    const j = await finished(id);
    expect(j).toMatchObject({ status: 'completed', counts: { succeeded: 2, failed: 0 } });
    expect(await installedVersion(hostA)).toBe('1.0');
    expect(await installedVersion(hostB)).toBe('1.0');
    const out = await log(id, dev.a);
    expect(out).toMatch(/\$ .*apt-get .*install/);
    expect(out).toMatch(/Setting up teknisi-jobs-hello \(1\.0\)/);
    // the sudo password travels on stdin only: never in the output
    expect(out).not.toContain(hostA.sudoPassword);
    expect(t.logs.join('')).not.toContain(hostA.sudoPassword);
    // what the host's login script prints is not the commands' output
    expect(await hostB.run('true')).toContain(GREETING);
    const outB = await log(id, dev.b);
    expect(outB).toMatch(/Setting up teknisi-jobs-hello \(1\.0\)/);
    expect(outB).not.toContain(GREETING);
    const sw = (await t.http.get(`/api/devices/${dev.a}/software?q=${PKG}`).set(admin).expect(200)).body;
    expect(sw.items.map((s: { name: string; version: string }) => `${s.name} ${s.version}`)).toContain(`${PKG} 1.0`);
  });

  it("hostB answers in German, through sudo too, unless a command asks for the C locale", async () => {
    const sudoApt = "sudo -S -p '' apt-get -s install teknisi-nope 2>&1 || true";
    expect(await hostB.run(sudoApt, `${hostB.sudoPassword}\n`)).toContain('E: Paket teknisi-nope kann nicht gefunden werden.');
    expect(await hostB.run(`apt-cache policy ${PKG}`)).toMatch(/Installiert: +1\.0/);
    expect(await hostB.run(`env LC_ALL=C apt-cache policy ${PKG}`)).toMatch(/Installed: 1\.0/);
  });

  it('a re-run is skipped by the precheck', async () => {
    const id = await create({ kind: 'software.install', params: { packages: [PKG] }, target: { deviceIds: [dev.a, dev.b] } });
    const j = await finished(id);
    expect(j.counts).toMatchObject({ skipped: 2, succeeded: 0 });
    expect(j.targets[0].reason).toMatch(/already installed/);
  });

  it('an unknown package fails at once, without retries', async () => {
    const id = await create({ kind: 'software.install', params: { packages: ['teknisi-no-such-package'] }, target: { deviceIds: [dev.a] }, retries: 3, retryDelaySec: 1 });
    const j = await finished(id);
    expect(j.counts.failed).toBe(1);
    expect(j.targets[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(j.targets[0].reason).toMatch(/teknisi-no-such-package/);
  });

  it('an unreachable host is retried with backoff, then fails saying how often it tried', async () => {
    // a machine the inventory knows (with a credential that once worked) that no longer answers
    const res = await t.db.query(
      `INSERT INTO devices (hostname, type, platform, os_family, status, primary_ip, first_seen, last_seen, created_at, updated_at)
       VALUES ('gone-1', 'server', 'linux', 'linux', 'active', ?, NOW(3), NOW(3), NOW(3), NOW(3))`, [GONE]);
    const id = Number(res.insertId);
    await t.db.query(`INSERT INTO device_credentials (device_id, protocol, credential_id, last_ok_at) VALUES (?, 'ssh', ?, NOW(3))`, [id, credId]);
    const jobId = await create({ kind: 'software.install', params: { packages: [PKG], manager: 'apt' }, target: { deviceIds: [id] }, retries: 2, retryDelaySec: 1 });
    const seen = new Set<string>();
    const j = await until('the retries to run out', async () => {
      const v = await job(jobId);
      if (v.targets[0]?.reason) seen.add(v.targets[0].reason);
      return v.status === 'completed' && v;
    }, 60_000);
    expect(j.targets[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect(j.targets[0].reason).toMatch(/refused|ECONNREFUSED/i);
    expect(j.targets[0].reason).toMatch(/after 3 attempts/);
    expect([...seen].some((r) => /attempt 1 of 3 failed: .*retrying at/.test(r))).toBe(true);
  });

  it('an upgrade scheduled for Saturday night waits for its Sunday window, then runs inside it', async () => {
    publishLabPackage({ name: PKG, version: '1.1' });
    const w = await t.http.post('/api/windows').set(admin).send({ name: 'lab sunday', timezone: 'Europe/Berlin', ranges: [{ days: ['sun'], start: '02:00', end: '04:00' }] }).expect(201);
    clock.set(new Date('2030-01-04T12:00:00Z')); // Friday
    const id = await create({ kind: 'software.upgrade', params: { packages: [PKG] }, target: { deviceIds: [dev.a, dev.b] }, windowIds: [w.body.id], schedule: { runAt: '2030-01-05T23:00:00Z' } });
    expect((await job(id)).status).toBe('scheduled');
    clock.set(new Date('2030-01-05T23:00:01Z')); // Saturday, the run starts but the window is closed
    const waiting = await until('targets to wait for the window', async () => {
      const v = await job(id);
      return v.counts.waitingForWindow === 2 && v;
    });
    expect(waiting.targets[0].reason).toMatch(/outside its maintenance window .*next opening at 2030-01-06T01:00:00.000Z/);
    expect(await installedVersion(hostA)).toBe('1.0');
    clock.set(new Date('2030-01-06T01:10:00Z')); // Sunday 02:10 in Berlin
    const j = await finished(id);
    expect(j.counts).toMatchObject({ succeeded: 2 });
    expect(await installedVersion(hostA)).toBe('1.1');
    expect(await installedVersion(hostB)).toBe('1.1');
    const started = (await t.db.query('SELECT started_at AS s FROM job_run_targets WHERE run_id = ?', [j.runId])).map((r: { s: Date }) => new Date(r.s).toISOString());
    for (const s of started) expect(s >= '2030-01-06T01:00:00.000Z' && s < '2030-01-06T03:00:00.000Z').toBe(true);
  });

  it('removes the package, and dpkg inside each host agrees', async () => {
    const id = await create({ kind: 'software.uninstall', params: { packages: [PKG] }, target: { deviceIds: [dev.a, dev.b] } });
    const j = await finished(id);
    expect(j.counts).toMatchObject({ succeeded: 2 });
    expect(await installedVersion(hostA)).toBeNull();
    expect(await installedVersion(hostB)).toBeNull();
    const again = await finished(await create({ kind: 'software.uninstall', params: { packages: [PKG] }, target: { deviceIds: [dev.a] } }));
    expect(again.counts.skipped).toBe(1);
  });
});

describe('command jobs on lab hosts', () => {
  it.each([
    ['fish', 'c', 'lab-jobs-c'],
    ['tcsh', 'd', 'lab-jobs-d'],
  ] as const)('parameters reach the script as literal values, whatever they contain (login shell %s)', async (_, which, hostname) => {
    // \' and \\ are escapes inside fish's single quotes, not sh's: quoting for sh alone let this one run id;
    // tcsh ran the line after a line break as a command of its own, and refused a ! as a history event
    const hostile = `$(id) \`id\` 'single' "double" ; rm -rf / \n second line $HOME \\'; id # \\\\ end\nid\n!! !$ a!b`;
    const id = await create({ kind: 'command', params: { script: 'printf "<%s>" "$MSG"; hostname', parameters: { MSG: hostile } }, target: { deviceIds: [dev[which]] } });
    const j = await finished(id);
    const out = await log(id, dev[which]);
    expect(out).not.toMatch(/uid=\d+/);
    expect(j.counts.succeeded).toBe(1);
    expect(out).toContain(`<${hostile}>`);
    expect(out).toContain(hostname);
  });

  it('a failing script fails with its exit code and is not retried', async () => {
    const id = await create({ kind: 'command', params: { script: 'echo about to fail >&2; exit 3' }, target: { deviceIds: [dev.c] }, retries: 3, retryDelaySec: 1 });
    const j = await finished(id);
    expect(j.targets[0]).toMatchObject({ status: 'failed', exitCode: 3, attempts: 1 });
    expect(await log(id, dev.c)).toContain('about to fail');
  });

  it('runs a command as root through a real sudo that asks for the password, which stays out of the log', async () => {
    const id = await create({ kind: 'command', params: { script: 'id -u; printf "%s\\n" "$WHO"', parameters: { WHO: '$(id -un)' }, sudo: true }, target: { deviceIds: [dev.a] } });
    const j = await finished(id);
    expect(j.targets[0]).toMatchObject({ status: 'succeeded', exitCode: 0 });
    const out = await log(id, dev.a);
    expect(out).toMatch(/^\$ sudo -S -p '' -- env /m);
    expect(out).toMatch(/^0\n\$\(id -un\)\n/m);
    expect(out).not.toContain(hostA.sudoPassword);
  });

  it('a wrong sudo password fails the target after one attempt, before the script reaches sudo', async () => {
    const wrong = (await t.http.post('/api/credentials').set(admin).send({ name: 'lab wrong sudo', kind: 'ssh', username: hostA.credentials.username, password: hostA.credentials.password, sudoPassword: 'not-the-sudo-password' }).expect(201)).body.id;
    const marker = `/tmp/teknisi-wrong-sudo-${Date.now()}`;
    const id = await create({ kind: 'command', params: { script: `touch ${marker}`, parameters: { TOKEN: 'parameter-value-not-a-password' }, sudo: true }, target: { deviceIds: [dev.a] }, credentialId: wrong });
    const j = await finished(id);
    expect(j.targets[0]).toMatchObject({ status: 'failed', reason: 'sudo refused: wrong password' });
    const out = await log(id, dev.a);
    // sudo had the password line and then end of input: one failed attempt, not three
    expect(out).toMatch(/1 incorrect password attempt/);
    expect(out).not.toMatch(/[23] incorrect password attempts/);
    expect(out).not.toContain('not-the-sudo-password');
    expect(await hostA.run(`test -e ${marker} && echo ran || echo not run`)).toContain('not run');
  });

  it('cancel stops a running command on the machine', async () => {
    const marker = `/tmp/teknisi-cancel-${Date.now()}`;
    const id = await create({ kind: 'command', params: { script: `sleep 6; touch ${marker}` }, target: { deviceIds: [dev.c] } });
    await until('the command to run', async () => (await job(id)).counts.running === 1);
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    await t.http.post(`/api/jobs/${id}/cancel`).set(admin).expect(200);
    const j = await finished(id, 15_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(j.targets[0]).toMatchObject({ status: 'cancelled' });
    expect(j.targets[0].reason).toMatch(/stopped by cancel/);
    // the script itself was stopped on the host, not just abandoned: it never reaches its end
    await new Promise((r) => setTimeout(r, 6_000 - (Date.now() - started) + 1_500));
    expect(fs.existsSync(marker)).toBe(false);
  });
});
