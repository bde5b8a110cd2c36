// Config drift (issue 5) against the device lab: the emulated IOS router (its running config
// lives in the emulator and config mode really changes it) and a namespaced Linux host whose
// /etc/ssh/sshd_config is its own. Backups through the API and the jobs worker; no false
// versions from volatile lines; a real change's diff is exactly that change; secrets never in
// clear; baselines, drift, compliance rules, the CSV report; remediation pushed through the
// emulator's configuration mode. The Linux host's ~/.bashrc greets at every login, with the
// time, as many do: neither its scan nor its backups may take that for output. Hosts on
// 127.98.0.x: no other spec uses them.
import * as fs from 'node:fs';
import { JobsClock } from '../src/jobs/jobs.clock';
import { LabIosHost } from './lab/ios';
import { generatedIdentity } from './lab/identities';
import { LabSshHost } from './lab/sshd';
import { bearer, createTestApp, TestApp } from './support/app';
import { scanToEnd } from './support/scan';
import { until as untilWithin } from './support/until';

jest.setTimeout(180_000);

const rtr = new LabIosHost({ address: '127.98.0.11', hostname: 'lab-cfg-rtr', serial: 'FDO2299C0FG' });
const GREETING = 'echo "Welcome to $(hostname). Unauthorised access is prohibited."\necho "Logged in at $(date +%s.%N)"\n';
const linux = new LabSshHost({ address: '127.98.0.12', identity: generatedIdentity('lab-cfg-lnx', 0x9812), bashrc: GREETING });
const ENABLE_HASH = '$9$Zq0fVx2y5m1xQk$Rrq2lI0sB1o3d5x0nYh7Jx4Uu7Z2iYzW0bQ9aH3cTgM';

let t: TestApp;
let admin: { Authorization: string };
let viewer: { Authorization: string };
const dev = { rtr: 0, linux: 0 };

/** this spec's waits: up to 60 s, looking every 150 ms */
const until = <T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 60_000) => untilWithin(what, fn, ms, 150);

const finished = (id: number) => until(`job ${id}`, async () => {
  const j = (await t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
  return j.status === 'completed' && j.counts.running === 0 && j;
});

/** POST …/configs/backup and wait for its job; the target row of the device. */
async function backup(deviceId: number) {
  const res = await t.http.post(`/api/devices/${deviceId}/configs/backup`).set(admin).expect(202);
  const j = await finished(res.body.id);
  return { job: j, target: j.targets[0], jobId: res.body.id as number };
}

const versions = async (id: number) => (await t.http.get(`/api/devices/${id}/configs`).set(admin).expect(200)).body;
const content = async (versionId: number) => (await t.http.get(`/api/configs/versions/${versionId}`).set(admin).expect(200)).body.content as string;
/** the +/- lines of a unified diff, without its headers */
const changes = (diff: string) => diff.split('\n').filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));

beforeAll(async () => {
  await Promise.all([rtr.start(), linux.start()]);
  t = await createTestApp({ consume: true, env: { TEKNISI_JOB_RECONCILE_MS: '300' } });
  admin = bearer(t.adminToken);
  viewer = bearer(await t.tokenFor('viewer'));
  const cred = async (name: string, c: { username: string; password: string }) =>
    (await t.http.post('/api/credentials').set(admin).send({ name, kind: 'ssh', username: c.username, password: c.password }).expect(201)).body.id as number;
  const ids = [await cred('lab router', rtr.credentials), await cred('lab linux', linux.credentials)];
  const done = await scanToEnd(t.http, admin, { targets: [rtr.address, linux.address], credentialIds: ids });
  if (done.status !== 'completed') throw new Error(`the scan ended ${done.status}`);
  const find = (a: string) => done.results.find((r: { address: string }) => r.address === a)?.deviceId as number;
  [dev.rtr, dev.linux] = [find(rtr.address), find(linux.address)];
  if (!dev.rtr || !dev.linux) throw new Error(`the scan did not identify both lab hosts: ${JSON.stringify(done.results)}`);
});

afterAll(async () => {
  await t?.close();
  await Promise.allSettled([rtr.stop(), linux.stop()]);
});

describe('backups of the emulated IOS router', () => {
  let first = 0;

  it('stores the first backup, normalized: volatile lines dropped, secrets masked, in the version and the log', async () => {
    const { target, jobId } = await backup(dev.rtr);
    expect(target).toMatchObject({ status: 'succeeded' });
    expect(target.reason).toMatch(/^new version \d+ \(the first\)$/);
    const v = await versions(dev.rtr);
    expect(v.total).toBe(1);
    expect(v.items[0]).toMatchObject({ trigger: 'manual', source: expect.stringMatching(/show running-config/) });
    first = v.items[0].id;
    const text = await content(first);
    expect(text).toMatch(/^hostname lab-cfg-rtr$/m);
    expect(text).not.toMatch(/Last configuration change|NVRAM config last updated|Current configuration :|ntp clock-period/);
    expect(text).toMatch(/^enable secret 9 <masked>$/m);
    expect(text).toMatch(/^snmp-server community <masked> RO$/m);
    for (const secret of [ENABLE_HASH, 'lab-ro', '0822455D0A165A1E1B0D1725']) expect(text).not.toContain(secret);
    const log = (await t.http.get(`/api/jobs/${jobId}/targets/${dev.rtr}/log`).set(admin).expect(200)).text;
    expect(log).not.toContain(ENABLE_HASH);
  });

  it('stores no new version when only volatile lines changed', async () => {
    rtr.bumpVolatile();
    const { target } = await backup(dev.rtr);
    expect(target.reason).toBe(`unchanged since version ${first}`);
    expect((await versions(dev.rtr)).total).toBe(1);
  });

  it('stores a real change as a new version whose diff is exactly that change', async () => {
    await rtr.configure(['interface Loopback42', 'description teknisi drift test']);
    const { target } = await backup(dev.rtr);
    expect(target.reason).toMatch(/^new version \d+ \(\+\d+ −0 lines since version \d+\)$/);
    const v = await versions(dev.rtr);
    expect(v.total).toBe(2);
    const d = (await t.http.get(`/api/devices/${dev.rtr}/configs/diff`).set(admin).expect(200)).body;
    expect(d.from.id).toBe(first);
    expect(d.to.id).toBe(v.items[0].id);
    expect(changes(d.diff).filter((l) => l !== '+!')).toEqual(['+interface Loopback42', '+ description teknisi drift test']);
    expect(d.removed).toBe(0);
    // only `to`: from the version before it (it was the second-newest: ?to=<first> ran backwards, and a middle one compared with itself)
    const toLatest = (await t.http.get(`/api/devices/${dev.rtr}/configs/diff?to=${v.items[0].id}`).set(admin).expect(200)).body;
    expect([toLatest.from.id, toLatest.to.id, toLatest.diff]).toEqual([first, v.items[0].id, d.diff]);
    const toFirst = (await t.http.get(`/api/devices/${dev.rtr}/configs/diff?to=${first}`).set(admin).expect(200)).body;
    expect(toFirst.from).toBeNull();
    expect(toFirst.to.id).toBe(first);
    expect(toFirst.removed).toBe(0);
    expect(toFirst.added).toBeGreaterThan(10);
  });

  it('finds the devices whose current config has a line', async () => {
    const hit = (await t.http.get('/api/configs/search?text=Loopback42').set(viewer).expect(200)).body;
    expect(hit.items.map((i: { deviceId: number }) => i.deviceId)).toEqual([dev.rtr]);
    expect(hit.items[0].lines[0].text).toBe('interface Loopback42');
    expect((await t.http.get('/api/configs/search?regex=^no ip http server$').set(viewer).expect(200)).body.total).toBe(1);
    expect((await t.http.get('/api/configs/search?text=nothing-like-this').set(viewer).expect(200)).body.total).toBe(0);
    const bad = await t.http.get('/api/configs/search?regex=(a').set(viewer).expect(400);
    expect(bad.body.details[0].field).toBe('regex');
  });

  it('answers 400 naming the field for versions of another device and unknown ids', async () => {
    const other = (await versions(dev.rtr)).items[0].id;
    const res = await t.http.get(`/api/devices/${dev.linux}/configs/diff?to=${other}`).set(admin).expect(400);
    expect(res.body.details[0].field).toBe('to');
    await t.http.get('/api/configs/versions/999999').set(admin).expect(404);
  });
});

describe('compliance rules', () => {
  it('admins create rules (400 per field, viewers refused); results follow each device', async () => {
    await t.http.post('/api/configs/rules').set(viewer).send({ name: 'x', kind: 'must-contain', pattern: 'x' }).expect(403);
    const bad = await t.http.post('/api/configs/rules').set(admin).send({ name: 'bad', kind: 'must-contain', pattern: '(unclosed' }).expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toContain('pattern');
    const noBlock = await t.http.post('/api/configs/rules').set(admin).send({ name: 'b', kind: 'block', pattern: 'x' }).expect(400);
    expect(noBlock.body.details.map((d: { field: string }) => d.field).join(' ')).toMatch(/block/);

    const ok = (await t.http.post('/api/configs/rules').set(admin).send({ name: 'no HTTP server', kind: 'must-not-contain', pattern: '^ip http server', scope: { platform: 'cisco-ios' }, severity: 'high' }).expect(201)).body;
    const fails = (await t.http.post('/api/configs/rules').set(admin).send({ name: 'loopbacks carry a description of the NOC', kind: 'block', pattern: '^ description NOC', block: { start: '^interface Loopback' }, scope: { platform: 'cisco-ios' } }).expect(201)).body;
    const linuxRule = (await t.http.post('/api/configs/rules').set(admin).send({ name: 'no root login', kind: 'must-contain', pattern: '^PermitRootLogin no', scope: { platform: 'linux' }, severity: 'critical' }).expect(201)).body;

    // rule changes re-evaluate every device in the background; the report says when it is done
    const report = await until('the re-evaluation', async () => {
      const b = (await t.http.get('/api/configs/drift').set(viewer).expect(200)).body;
      return b.pendingEvaluations === 0 && b;
    });
    const r = report.items.find((i: { deviceId: number }) => i.deviceId === dev.rtr);
    expect(r.violations.map((v: { ruleId: number }) => v.ruleId)).toEqual([fails.id]);
    expect(r.violations[0].detail).toMatch(/interface Loopback0.*line \d+|line \d+.*Loopback0/);
    expect(r.violations.map((v: { ruleId: number }) => v.ruleId)).not.toContain(ok.id);
    // the Linux host has no backup yet: nothing to evaluate
    expect(report.items.find((i: { deviceId: number }) => i.deviceId === dev.linux)).toBeUndefined();
    expect(linuxRule.platform).toBe('linux');
  });
});

describe('a Linux host\'s files', () => {
  it('backs up /etc/ssh/sshd_config and versions an edit as exactly that line', async () => {
    const { target } = await backup(dev.linux);
    expect(target.status).toBe('succeeded');
    const v1 = (await versions(dev.linux)).items[0];
    expect(v1.source).toContain('/etc/ssh/sshd_config');
    const text = await content(v1.id);
    expect(text.startsWith('### /etc/ssh/sshd_config\n')).toBe(true);
    expect(text).not.toMatch(/Welcome to|Logged in at/);
    expect(text).toContain(fs.readFileSync(linux.sshdConfigPath, 'utf8').split('\n').find((l) => /^PasswordAuthentication/.test(l)));
    // the rule about root logins fails until the file says so
    let row = (await t.http.get(`/api/configs/drift/${dev.linux}`).set(viewer).expect(200)).body;
    expect(row.violations.map((x: { name: string }) => x.name)).toEqual(['no root login']);

    fs.appendFileSync(linux.sshdConfigPath, 'PermitRootLogin no\n');
    await backup(dev.linux);
    const d = (await t.http.get(`/api/devices/${dev.linux}/configs/diff`).set(admin).expect(200)).body;
    expect(changes(d.diff)).toEqual(['+PermitRootLogin no']);
    row = (await t.http.get(`/api/configs/drift/${dev.linux}`).set(viewer).expect(200)).body;
    expect(row.violations).toEqual([]);
  });
});

describe('baselines, drift and remediation', () => {
  it('pins a version; a change away from it is drift, with its diff, in JSON and CSV', async () => {
    const latest = (await versions(dev.rtr)).items[0].id;
    await t.http.post('/api/configs/baselines').set(viewer).send({ deviceId: dev.rtr, versionId: latest }).expect(403);
    const wrong = await t.http.post('/api/configs/baselines').set(admin).send({ deviceId: dev.rtr, versionId: (await versions(dev.linux)).items[0].id }).expect(400);
    expect(wrong.body.details[0].field).toBe('versionId');
    const pinned = await t.http.post('/api/configs/baselines').set(admin).send({ deviceId: dev.rtr, versionId: latest }).expect(201);
    // the version's id as the versions list and the drift report give it: a number
    expect(pinned.body).toMatchObject({ scope: 'device', deviceId: dev.rtr, versionId: latest });
    expect((await t.http.get('/api/configs/baselines').set(viewer).expect(200)).body).toContainEqual(expect.objectContaining({ id: pinned.body.id, versionId: latest }));
    let row = (await t.http.get(`/api/configs/drift/${dev.rtr}`).set(viewer).expect(200)).body;
    expect(row.drift).toBeNull();

    await rtr.configure(['interface Loopback42', 'no description', 'exit', 'ip http server']);
    await backup(dev.rtr);
    row = (await t.http.get(`/api/configs/drift/${dev.rtr}`).set(viewer).expect(200)).body;
    // IOS stores `ip http server` in place of its default `no ip http server`
    expect(row.drift).toMatchObject({ added: 1, removed: 2 });
    expect(changes(row.drift.diff).sort()).toEqual(['+ip http server', '- description teknisi drift test', '-no ip http server'].sort());
    // the HTTP server rule now fails too
    expect(row.violations.map((v: { name: string }) => v.name)).toContain('no HTTP server');

    const csv = await t.http.get('/api/configs/drift?format=csv').set(viewer).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('device_id,hostname,platform,version_id,drift_since,lines_added,lines_removed,baseline_error,violations,since,backup_status,backup_error,last_good_backup');
    expect(lines.find((l) => l.startsWith(`${dev.rtr},lab-cfg-rtr,cisco-ios,`))).toMatch(/,1,2,,.*high: no HTTP server/);
  });

  it('previews a remediation, then pushes the missing lines through config mode until the device is back on its baseline', async () => {
    const preview = (await t.http.post(`/api/configs/drift/${dev.rtr}/remediate`).set(admin).send({ dryRun: true }).expect(200)).body;
    expect(preview).toMatchObject({ dryRun: true, job: null });
    expect(preview.lines.filter((l: string) => l.trim() !== 'exit')).toEqual(['interface Loopback42', ' description teknisi drift test', 'no ip http server']);
    expect(preview.extra).toEqual(['ip http server']);
    expect(rtr.runningConfig()).not.toContain('description teknisi drift test');

    await t.http.post(`/api/configs/drift/${dev.rtr}/remediate`).set(viewer).send({}).expect(403);
    const res = await t.http.post(`/api/configs/drift/${dev.rtr}/remediate`).set(admin).send({}).expect(202);
    const j = await finished(res.body.job.id);
    expect(j.kind).toBe('config.push');
    expect(j.targets[0]).toMatchObject({ status: 'succeeded' });
    // the emulator applied it, and the backup after the push saw it
    expect(rtr.runningConfig()).toMatch(/^interface Loopback42\n description teknisi drift test$/m);
    const v = (await versions(dev.rtr)).items[0];
    expect(v.trigger).toBe('push');
    expect(rtr.runningConfig()).toMatch(/^no ip http server$/m);
    const row = (await t.http.get(`/api/configs/drift/${dev.rtr}`).set(viewer).expect(200)).body;
    expect(row.drift).toBeNull();
    expect(row.violations.map((v: { name: string }) => v.name)).toEqual(['loopbacks carry a description of the NOC']);
    // and the push's own backup equals the baseline again
    const [{ sha256: now }, , { sha256: pinned }] = (await versions(dev.rtr)).items;
    expect(now).toBe(pinned);
    const audit = (await t.http.get('/api/audit?action=config.remediate').set(admin).expect(200)).body;
    expect(audit.total).toBeGreaterThanOrEqual(1);
  });

  it('never pushes a masked secret: a missing secret line is withheld for the technician', async () => {
    await rtr.configure(['no username netadmin']);
    await backup(dev.rtr);
    const preview = (await t.http.post(`/api/configs/drift/${dev.rtr}/remediate`).set(admin).send({ dryRun: true }).expect(200)).body;
    expect(preview.withheld).toEqual(['username netadmin privilege 15 secret 9 <masked>']);
    expect(preview.lines.join('\n')).not.toContain('<masked>');
  });

  it('a golden template for a tag is the baseline of the tagged device, rendered with its variables', async () => {
    const bad = await t.http.post('/api/configs/baselines').set(admin).send({ tag: 'lnx', template: '{{#if}}' }).expect(400);
    expect(bad.body.details[0].field).toBe('template');
    const current = await content((await versions(dev.linux)).items[0].id);
    await t.http.patch(`/api/devices/${dev.linux}`).set(admin).send({ tags: ['lnx'] }).expect(200);
    await t.http.post('/api/configs/baselines').set(admin).send({ tag: 'lnx', template: `${current}# managed for {{hostname}}\n` }).expect(201);
    await until('the re-evaluation', async () => (await t.http.get('/api/configs/drift').set(viewer).expect(200)).body.pendingEvaluations === 0);
    const row = (await t.http.get(`/api/configs/drift/${dev.linux}`).set(viewer).expect(200)).body;
    expect(changes(row.drift?.diff ?? '')).toEqual(['-# managed for lab-cfg-lnx']);
  });
});

describe('scheduled backups', () => {
  afterEach(() => t.app.get(JobsClock).reset());

  it('run daily by default on their cron, versioning only real changes', async () => {
    const clock = t.app.get(JobsClock);
    clock.set(new Date('2031-03-03T02:59:00Z'));
    await t.http.post('/api/configs/schedules').set(viewer).send({ deviceIds: [dev.rtr] }).expect(403);
    const bad = await t.http.post('/api/configs/schedules').set(admin).send({ deviceIds: [dev.rtr], cron: 'every day' }).expect(400);
    expect(JSON.stringify(bad.body.details)).toMatch(/cron/);
    const { id } = (await t.http.post('/api/configs/schedules').set(admin).send({ deviceIds: [dev.rtr], timezone: 'UTC' }).expect(201)).body;
    const listed = (await t.http.get('/api/configs/schedules').set(viewer).expect(200)).body;
    expect(listed.items.map((j: { id: number }) => j.id)).toEqual([id]);
    expect(listed.items[0]).toMatchObject({ kind: 'config.backup', schedule: { cron: '0 3 * * *', timezone: 'UTC' }, nextRunAt: '2031-03-03T03:00:00.000Z' });
    await backup(dev.rtr); // whatever ran before: the router's current config is stored
    const before = (await versions(dev.rtr)).total;

    /** moves the clock just past a firing and waits for that firing's run: its one target */
    const day = async (firing: string) => {
      clock.set(new Date(new Date(firing).getTime() + 5_000));
      return until(`the firing at ${firing}`, async () => {
        const runs = (await t.http.get(`/api/jobs/${id}/runs`).set(admin).expect(200)).body;
        const run = runs.items.find((r: { firedAt: string }) => r.firedAt === firing);
        if (!run || run.status !== 'completed') return false;
        return (await t.http.get(`/api/jobs/${id}/runs/${run.id}`).set(admin).expect(200)).body.targets[0];
      });
    };
    rtr.bumpVolatile();
    const first = await day('2031-03-03T03:00:00.000Z');
    expect(first).toMatchObject({ status: 'succeeded', reason: expect.stringMatching(/^unchanged since version \d+$/) });
    rtr.bumpVolatile();
    await rtr.configure(['interface Loopback43', 'description scheduled']);
    const second = await day('2031-03-04T03:00:00.000Z');
    expect(second.reason).toMatch(/^new version \d+/);
    const v = await versions(dev.rtr);
    expect(v.total).toBe(before + 1);
    expect(v.items[0]).toMatchObject({ trigger: 'schedule' });
    await t.http.post(`/api/jobs/${id}/cancel`).set(admin).expect(200);
  });
});
