// Backups and what they leave for the drift report, against the real MariaDB, with recorded
// answers for the device (fake sessions; no device lab): a device whose configuration did not
// change is evaluated again when rules or baselines changed since (the background pass that
// re-evaluates after a change runs in one process, which a restart loses); a rule's detail in
// characters of three bytes fits its column; a template sees the device's addresses; a failing
// backup shows in the drift report; overlapping backups of one device all store.
import { ConfigsService } from '../src/configs/configs.service';
import { fakeSession } from '../src/configs/fixtures/fake-session';
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';
import { until } from './support/until';

jest.setTimeout(120_000);

let t: TestApp;
let configs: ConfigsService;
let admin: Record<string, string>;
let tech: Record<string, string>;
let viewer: Record<string, string>;

/** a session whose `show running-config` answers this IOS configuration */
const ios = (text: string) => fakeSession({ shell: { 'terminal length 0': '', 'show running-config': `Building configuration...\n\n${text}` } });
const backup = (id: number, text: string) => configs.backup(id, ios(text), { trigger: 'manual' });
const store = (id: number, text: string) => configs.store(id, text, { source: 'test', trigger: 'manual', jobRunId: null, at: new Date() });
const drift = async (id: number) => (await t.http.get(`/api/configs/drift/${id}`).set(viewer).expect(200)).body;
const results = (id: number): Promise<Array<{ ruleId: number; passed: number; detail: string }>> =>
  t.db.query('SELECT rule_id AS ruleId, passed, detail FROM config_rule_results WHERE device_id = ? ORDER BY rule_id', [id]);

/** Runs `fn` as a process that dies before its background re-evaluation runs: the re-evaluation never happens. */
async function withoutBackgroundPass<T>(fn: () => Promise<T>): Promise<T> {
  const spy = jest.spyOn(configs, 'inBackground').mockImplementation(() => undefined);
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  t = await createTestApp();
  configs = t.app.get(ConfigsService);
  admin = bearer(t.adminToken);
  tech = bearer(await t.tokenFor('technician'));
  viewer = bearer(await t.tokenFor('viewer'));
});

afterAll(async () => {
  await configs?.settled();
  await t?.close();
});

describe('a backup of an unchanged configuration', () => {
  const CONFIG = '!\nhostname gen-rtr\n!\nip http server\nend\n';

  it('evaluates a rule added since, whose background re-evaluation was lost', async () => {
    const id = await makeDevice(t.db, { hostname: 'gen-rtr', platform: 'cisco-ios' });
    expect((await backup(id, CONFIG)).changed).toBe(true);
    const rule = await withoutBackgroundPass(async () =>
      (await t.http.post('/api/configs/rules').set(admin).send({ name: 'no HTTP server', kind: 'must-not-contain', pattern: '^ip http server', severity: 'high' }).expect(201)).body);
    expect(await results(id)).toEqual([]); // nothing evaluated it: the report reads it as compliant

    expect((await backup(id, CONFIG)).changed).toBe(false);
    // before: an unchanged configuration was never evaluated, and the rule had no result until the configuration changed
    expect(await results(id)).toEqual([expect.objectContaining({ ruleId: rule.id, passed: 0 })]);
    expect((await drift(id)).violations.map((v: { name: string }) => v.name)).toEqual(['no HTTP server']);

    // evaluated once: the next backup does not evaluate again
    await t.db.query('UPDATE config_rule_results SET detail = ? WHERE device_id = ?', ['as evaluated before', id]);
    await backup(id, CONFIG);
    expect((await results(id))[0].detail).toBe('as evaluated before');
    await t.http.delete(`/api/configs/rules/${rule.id}`).set(admin).expect(204);
  });

  it('compares with a template added since, and with none once it is deleted, without the background pass', async () => {
    const id = await makeDevice(t.db, { hostname: 'gen-tpl', platform: 'cisco-ios', tags: ['gen-tpl'] });
    await backup(id, CONFIG);
    const tpl = await withoutBackgroundPass(async () =>
      (await t.http.post('/api/configs/baselines').set(tech).send({ tag: 'gen-tpl', template: '!\nhostname gen-rtr\n!\nno ip http server\nend\n' }).expect(201)).body);
    await backup(id, CONFIG);
    expect((await drift(id)).drift).toMatchObject({ added: 1, removed: 1 });

    await withoutBackgroundPass(() => t.http.delete(`/api/configs/baselines/${tpl.id}`).set(tech).expect(204));
    await backup(id, CONFIG);
    // a deletion leaves no row behind to date it: it raises the generation too
    expect(await drift(id)).toMatchObject({ drift: null, baselineId: null });
  });

  it('evaluates a version stored by a backup that died before its evaluation', async () => {
    const rule = (await t.http.post('/api/configs/rules').set(admin).send({ name: 'no HTTP server either', kind: 'must-not-contain', pattern: '^ip http server', severity: 'high' }).expect(201)).body;
    await configs.settled();
    const id = await makeDevice(t.db, { hostname: 'gen-died', platform: 'cisco-ios' });
    // as a worker that died (or whose evaluation failed) after storing the version
    await store(id, CONFIG);
    await backup(id, CONFIG);
    // before: "unchanged", never evaluated
    expect(await results(id)).toEqual([expect.objectContaining({ ruleId: rule.id, passed: 0 })]);
    await t.http.delete(`/api/configs/rules/${rule.id}`).set(admin).expect(204);
  });
});

describe('a rule\'s detail', () => {
  it('is cut to its column\'s bytes, not characters: 30,000 CJK characters are 90,000 bytes', async () => {
    const id = await makeDevice(t.db, { hostname: 'cjk-rtr', platform: 'cisco-ios' });
    const rule = await withoutBackgroundPass(async () =>
      (await t.http.post('/api/configs/rules').set(admin).send({ name: 'no description in CJK', kind: 'must-not-contain', pattern: '^ description 設', severity: 'low' }).expect(201)).body);
    const text = `!\nhostname cjk-rtr\ninterface Gi1\n description ${'設'.repeat(30_000)}\nend\n`;
    // before: ER_DATA_TOO_LONG after the version was stored, and the backup recorded as failed
    await backup(id, text);
    const [r] = await results(id);
    expect(r).toMatchObject({ ruleId: rule.id, passed: 0 });
    expect(Buffer.byteLength(r.detail)).toBeLessThanOrEqual(60_000);
    expect(r.detail.startsWith('line 4: "description 設設')).toBe(true);
    expect(r.detail).not.toContain('\uFFFD'); // cut between characters
    expect((await drift(id)).lastStatus).toBe('ok');
    await t.http.delete(`/api/configs/rules/${rule.id}`).set(admin).expect(204);
  });
});

describe('a golden template', () => {
  it('renders addressOn and addresses with the device\'s addresses', async () => {
    const id = await makeDevice(t.db, { hostname: 'addr-rtr', platform: 'cisco-ios', tags: ['addr-tpl'], addresses: [{ ip: '192.0.2.61', mac: '00:00:5e:00:53:01' }] });
    await t.db.query('UPDATE device_addresses SET interface_name = ? WHERE device_id = ?', ['GigabitEthernet0/0/1', id]);
    await store(id, '!\nhostname addr-rtr\ninterface GigabitEthernet0/0/1\n ip address 192.0.2.61 255.255.255.0\n! 00:00:5e:00:53:01\nend\n');
    await t.http.post('/api/configs/baselines').set(tech).send({
      tag: 'addr-tpl',
      template: '!\nhostname {{hostname}}\ninterface GigabitEthernet0/0/1\n ip address {{addressOn.[GigabitEthernet0/0/1]}} 255.255.255.0\n{{#each addresses}}! {{mac}}\n{{/each}}end\n',
    }).expect(201);
    await configs.settled();
    // before: the template saw no addresses, and " ip address  255.255.255.0" was drift
    expect(await drift(id)).toMatchObject({ baselineError: null, drift: null });
  });
});

describe('a failing backup', () => {
  it('shows in the drift report with its error, the last good backup and the results of that configuration', async () => {
    const id = await makeDevice(t.db, { hostname: 'fail-rtr', platform: 'cisco-ios' });
    await backup(id, '!\nhostname fail-rtr\nend\n');
    const [{ checkedAt }] = await t.db.query('SELECT checked_at AS checkedAt FROM device_configs WHERE device_id = ?', [id]);
    const refusing = fakeSession({ shell: { 'terminal length 0': '', 'show running-config': '% Authorization failed.\n' } });
    await expect(configs.backup(id, refusing, { trigger: 'schedule' })).rejects.toThrow(/Authorization failed/);

    // before: the report left it out, and the device's own row had no word of the failure
    const row = await drift(id);
    expect(row).toMatchObject({ deviceId: id, lastStatus: 'failed', lastError: expect.stringMatching(/Authorization failed/), checkedAt: checkedAt.toISOString(), drift: null, violations: [] });
    const report = (await t.http.get('/api/configs/drift').set(viewer).expect(200)).body;
    expect(report.items.find((i: { deviceId: number }) => i.deviceId === id)).toMatchObject({ lastStatus: 'failed', hostname: 'fail-rtr' });
    const csv = (await t.http.get('/api/configs/drift?format=csv').set(viewer).expect(200)).text.split('\n');
    expect(csv[0]).toMatch(/,backup_status,backup_error,last_good_backup$/);
    expect(csv.find((l) => l.startsWith(`${id},fail-rtr,`))).toMatch(/,failed,.*Authorization failed.*,\d{4}-/);

    // one that never worked has no version
    const never = await makeDevice(t.db, { hostname: 'never-rtr', platform: 'cisco-ios' });
    await expect(configs.backup(never, refusing, { trigger: 'schedule' })).rejects.toThrow();
    expect(await drift(never)).toMatchObject({ versionId: null, lastStatus: 'failed', checkedAt: null });

    // and a good backup ends it
    await backup(id, '!\nhostname fail-rtr\nend\n');
    expect(await drift(id)).toMatchObject({ lastStatus: 'ok', lastError: null });
    expect((await t.http.get('/api/configs/drift').set(viewer).expect(200)).body.items.map((i: { deviceId: number }) => i.deviceId)).not.toContain(id);
  });
});

describe('overlapping backups of one device', () => {
  it('all store, none deadlocks', async () => {
    const id = await makeDevice(t.db, { hostname: 'race-rtr', platform: 'cisco-ios' });
    await store(id, 'hostname race-rtr\n');
    for (let round = 0; round < 5; round++) {
      // before: INSERT IGNORE's shared locks, then FOR UPDATE: a deadlock, the loser's backup failed
      const all = await Promise.allSettled([1, 2, 3, 4].map((n) => store(id, `hostname race-rtr\n! round ${round} backup ${n}\n`)));
      expect(all.filter((r) => r.status === 'rejected')).toEqual([]);
    }
    const [{ n }] = await t.db.query('SELECT COUNT(*) AS n FROM config_versions WHERE device_id = ?', [id]);
    expect(Number(n)).toBe(21);
  });
});

describe('templates shown to viewers', () => {
  it('have their secrets masked, for everyone but admins, and in the audit log', async () => {
    const template = '!\nhostname {{hostname}}\nenable secret sha512 $6$Tpl5ecretHash\nsnmp-server community Tpl-C0mm ro\nend\n';
    const saved = (await t.http.post('/api/configs/baselines').set(tech).send({ platform: 'eos', template }).expect(201)).body;
    const tagged = (await t.http.post('/api/configs/baselines').set(tech).send({ tag: 'secret-tpl', template }).expect(201)).body;
    const shown = async (who: Record<string, string>, id: number) =>
      (await t.http.get('/api/configs/baselines').set(who).expect(200)).body.find((b: { id: number }) => b.id === id).template as string;
    // before: the text as written, to every viewer
    expect(await shown(viewer, saved.id)).toBe('!\nhostname {{hostname}}\nenable secret sha512 <masked>\nsnmp-server community <masked> ro\nend\n');
    expect(await shown(tech, saved.id)).not.toContain('Tpl-C0mm');
    expect(await shown(admin, saved.id)).toBe(template);
    // a tag's template, with every platform's rules
    for (const secret of ['Tpl5ecret', 'Tpl-C0mm']) expect(await shown(viewer, tagged.id)).not.toContain(secret);
    // the audit entries are written once the responses are sent
    const entries = await until('the audit entries', async () => {
      const items = (await t.http.get('/api/audit?action=config.baseline').set(admin).expect(200)).body.items.filter((e: { summary: string | null }) => e.summary?.includes('snmp-server community'));
      return items.length === 2 && items;
    });
    for (const e of entries) {
      expect(e.summary).not.toContain('Tpl5ecret');
      expect(e.summary).not.toContain('Tpl-C0mm');
      expect(e.summary).toContain('<masked>');
    }
  });
});
