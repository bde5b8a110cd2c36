// A technician's word on identity, against the real MariaDB: merging two records of one
// machine (everything moves to the survivor, later reports of either identity land there)
// and marking two devices as distinct machines (ingest keeps their reports apart even when
// they share a cloned MAC, and does not churn that MAC between them).
import { ConfigsService } from '../src/configs/configs.service';
import { IngestService } from '../src/inventory/ingest.service';
import { InventoryReport } from '../src/inventory/inventory-report';
import { DeviceCountsService } from '../src/software/device-counts.service';
import { SoftwareService } from '../src/software/software.service';
import { gzipSync } from 'node:zlib';
import { bearer, createTestApp, TestApp } from './support/app';
import { postJob } from './support/factories';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('merging devices and marking them distinct', () => {
  let t: TestApp;
  let ingest: IngestService;
  let admin: Record<string, string>;
  let tech: Record<string, string>;
  let viewer: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    ingest = t.app.get(IngestService);
    admin = bearer(t.adminToken);
    tech = bearer(await t.tokenFor('technician', 'tina'));
    viewer = bearer(await t.tokenFor('viewer'));
  });
  afterAll(() => t?.close());

  const device = async (id: number) => (await t.http.get(`/api/devices/${id}`).set(viewer)).body as Json;
  const history = async (id: number) => (await t.http.get(`/api/devices/${id}/history?limit=500`).set(viewer)).body.items as Json[];
  const deviceCount = async (title: string) => (await t.http.get(`/api/software?q=${title}`).set(viewer)).body.items.find((s: Json) => s.name === title)?.deviceCount;
  const merge = (id: number, otherId: unknown, headers = tech) => t.http.post(`/api/devices/${id}/merge`).set(headers).send({ otherId });
  const markDistinct = (id: number, otherId: unknown, headers = tech) => t.http.post(`/api/devices/${id}/distinct`).set(headers).send({ otherId });
  /** Until `n` sessions of this spec's database sit in a SELECT … FOR UPDATE (waiting for a row lock). */
  const lockWaits = async (n: number) => {
    for (let i = 0; i < 200; i++) {
      const [{ waiting }] = await t.db.query(
        `SELECT COUNT(*) AS waiting FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND = 'Query' AND INFO LIKE '%FOR UPDATE'`,
        [t.dbName],
      );
      if (Number(waiting) >= n) return;
      await new Promise((done) => setTimeout(done, 25));
    }
    throw new Error(`fewer than ${n} sessions waiting for a row lock`);
  };
  const create = async (body: Json) => {
    const res = await t.http.post('/api/devices').set(tech).send(body);
    expect(res.status).toBe(201);
    return res.body.id as number;
  };

  describe('merge', () => {
    // one office PC seen twice: over SSH with its serial and wired NIC, and earlier over SNMP
    // under another name through its Wi-Fi adapter
    const sshReport = (): InventoryReport => ({
      source: 'ssh', collectedAt: new Date('2025-03-01T10:00:00Z'),
      identity: { hostname: 'pc-17', serial: 'PC17-SERIAL', macs: ['3c:52:82:00:17:01'], addresses: ['192.0.2.17'] },
      device: { type: 'workstation', platform: 'linux', osFamily: 'linux', osName: 'Debian GNU/Linux 12 (bookworm)' },
      hardware: [{ kind: 'memory', slot: 'DIMM0', capacityBytes: 8 * 2 ** 30 }],
      interfaces: [{ name: 'eno1', mac: '3c:52:82:00:17:01', addresses: ['192.0.2.17'] }],
      software: [{ name: 'nginx', version: '1.22.1' }, { name: 'curl', version: '7.88.1' }],
    });
    const snmpReport = (): InventoryReport => ({
      source: 'snmp', collectedAt: new Date('2024-11-05T08:00:00Z'),
      identity: { hostname: 'PC17-WIFI', fqdn: 'pc17-wifi.corp.example', macs: ['3c:52:82:00:17:99'], addresses: ['198.51.100.17'] },
      device: { type: 'workstation', model: 'EliteDesk 800 G6' },
      hardware: [{ kind: 'memory', slot: 'BANK 0', capacityBytes: 8 * 2 ** 30 }],
      interfaces: [{ name: 'wlan0', mac: '3c:52:82:00:17:99', addresses: ['198.51.100.17'] }],
      software: [{ name: 'curl', version: '7.88.1' }, { name: 'htop', version: '3.2.2' }],
      neighbours: [{ protocol: 'lldp', localPort: 'wlan0', remoteName: 'ap-2f', remotePort: 'radio1' }],
    });
    let survivor: number;
    let other: number;
    let bystander: number;

    beforeAll(async () => {
      survivor = (await ingest.ingest(sshReport())).deviceId;
      other = (await ingest.ingest(snmpReport())).deviceId;
      bystander = await create({ hostname: 'pc-18', serial: 'PC18-SERIAL' });
      expect(new Set([survivor, other, bystander]).size).toBe(3);
      await t.http.patch(`/api/devices/${survivor}`).set(tech).send({ tags: ['finance'] });
      await t.http.patch(`/api/devices/${other}`).set(tech).send({ tags: ['floor-2', 'finance'], location: 'Floor 2' });
      expect((await markDistinct(other, bystander)).status).toBe(200);
      // what discovery recorded against the SNMP record: the credential that worked, a pinned host key, a scan result
      await t.db.query(`INSERT INTO device_credentials (device_id, protocol, credential_id, last_ok_at) VALUES (?, 'snmp', 7, ?)`, [other, new Date()]);
      await t.db.query(`INSERT INTO ssh_host_keys (host, port, key_type, fingerprint, device_id, first_seen, last_seen) VALUES ('198.51.100.17', 22, 'ssh-ed25519', 'SHA256:abc', ?, ?, ?)`, [other, new Date(), new Date()]);
      const scan = await t.db.query(`INSERT INTO scans (status, targets, credential_ids, options, created_at) VALUES ('completed', '[]', '[]', '{}', ?)`, [new Date()]);
      await t.db.query(`INSERT INTO scan_results (scan_id, address, status, device_id, at) VALUES (?, '198.51.100.17', 'identified', ?, ?)`, [scan.insertId, other, new Date()]);
      // a configuration backed up under the SNMP record
      await t.app.get(ConfigsService).store(other, 'hostname PC17-WIFI\n', { source: 'cat /etc/hostname', trigger: 'manual', jobRunId: null, at: new Date() });
      // ingest's count changes, written in batches, must be in before the merge adjusts counts itself
      await t.app.get(DeviceCountsService).flush();
      expect(await deviceCount('curl')).toBe(2);
    });

    it('moves everything to the survivor and answers with the survivor as GET shows it', async () => {
      const res = await merge(survivor, other);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(await device(survivor));
      expect(res.body).toMatchObject({
        id: survivor, hostname: 'pc-17', serial: 'PC17-SERIAL', osName: 'Debian GNU/Linux 12 (bookworm)',
        // empty fields filled from the merged record
        fqdn: 'pc17-wifi.corp.example', model: 'EliteDesk 800 G6', location: 'Floor 2',
        tags: ['finance', 'floor-2'], primaryIp: '192.0.2.17', distinctFrom: [bystander],
        firstSeen: '2024-11-05T08:00:00.000Z', lastSeen: '2025-03-01T10:00:00.000Z',
      });
      expect(res.body.addresses.map((a: Json) => a.mac).sort()).toEqual(['3c:52:82:00:17:01', '3c:52:82:00:17:99']);
      expect(res.body.sources).toEqual([
        // each with the address it reached the machine at: the merged record's SNMP one comes along
        { kind: 'snmp', firstSeen: '2024-11-05T08:00:00.000Z', lastSeen: '2024-11-05T08:00:00.000Z', address: '198.51.100.17' },
        { kind: 'ssh', firstSeen: '2025-03-01T10:00:00.000Z', lastSeen: '2025-03-01T10:00:00.000Z', address: '192.0.2.17' },
      ]);
      // interfaces and hardware stay the survivor's own: never half of one source and half of another
      expect(res.body.interfaces.map((i: Json) => i.name)).toEqual(['eno1']);
      expect(res.body.hardware.map((h: Json) => h.slot)).toEqual(['DIMM0']);
      expect(res.body.neighbours).toEqual([expect.objectContaining({ protocol: 'lldp', localPort: 'wlan0', remoteName: 'ap-2f' })]);
      expect((await t.http.get(`/api/devices/${other}`).set(viewer)).status).toBe(404);
      expect((await device(bystander)).distinctFrom).toEqual([survivor]);
    });

    it('tells a device the merged one was marked distinct from that its mark now names the survivor', async () => {
      expect((await history(bystander)).filter((h) => h.subject.startsWith('distinct'))).toEqual([
        expect.objectContaining({ subject: `distinct from #${survivor} (pc-17), into which #${other} was merged`, action: 'added', actor: 'tina' }),
        expect.objectContaining({ subject: `distinct from #${other} (PC17-WIFI)`, action: 'removed', actor: 'tina' }),
        expect.objectContaining({ subject: `distinct from #${other} (PC17-WIFI)`, action: 'added' }),
      ]);
    });

    it('keeps both pasts in the survivor\'s history, with who merged', async () => {
      const h = await history(survivor);
      expect(h[0]).toMatchObject({ subject: `merged device #${other} (PC17-WIFI)`, actor: 'tina', source: 'manual', before: expect.stringContaining('hostname PC17-WIFI') });
      expect(h).toEqual(expect.arrayContaining([
        expect.objectContaining({ subject: 'fqdn', action: 'added', after: 'pc17-wifi.corp.example', actor: 'tina' }),
        // the merged record's own past, re-pointed
        expect.objectContaining({ subject: 'device', action: 'added', after: 'PC17-WIFI', source: 'snmp' }),
        expect.objectContaining({ subject: 'location', after: 'Floor 2' }),
        // the survivor's own past
        expect.objectContaining({ subject: 'device', action: 'added', after: 'pc-17', source: 'ssh' }),
      ]));
      // what the survivor gained besides fields, named as an edit names it: the tag it lacked (not
      // the one both had) and the merged record's address
      const merged = h.filter((x) => x.actor === 'tina' && x.at === h[0].at);
      expect(merged.filter((x) => x.subject.startsWith('tag '))).toEqual([expect.objectContaining({ kind: 'field', action: 'added', subject: 'tag floor-2', after: 'floor-2' })]);
      expect(merged.filter((x) => x.kind === 'address')).toEqual([expect.objectContaining({ action: 'added', subject: '198.51.100.17 3c:52:82:00:17:99' })]);
    });

    it('unions installed software and keeps the catalogue device counts right', async () => {
      const sw = (await t.http.get(`/api/devices/${survivor}/software`).set(viewer)).body;
      expect(sw.items.map((s: Json) => s.name).sort()).toEqual(['curl', 'htop', 'nginx']);
      expect([await deviceCount('curl'), await deviceCount('htop'), await deviceCount('nginx')]).toEqual([1, 1, 1]);
      await t.app.get(SoftwareService).recount();
      expect([await deviceCount('curl'), await deviceCount('htop'), await deviceCount('nginx')]).toEqual([1, 1, 1]);
    });

    it('moves what discovery recorded: the working credential, pinned host keys, scan results', async () => {
      const [cred] = await t.db.query('SELECT device_id AS d, credential_id AS c FROM device_credentials WHERE protocol = ?', ['snmp']);
      const [key] = await t.db.query('SELECT device_id AS d FROM ssh_host_keys WHERE host = ?', ['198.51.100.17']);
      const [result] = await t.db.query('SELECT device_id AS d FROM scan_results WHERE address = ?', ['198.51.100.17']);
      expect([Number(cred.d), Number(cred.c), Number(key.d), Number(result.d)]).toEqual([survivor, 7, survivor, survivor]);
    });

    it('keeps the merged record\'s configuration versions, now the survivor\'s', async () => {
      const v = (await t.http.get(`/api/devices/${survivor}/configs`).set(viewer).expect(200)).body;
      expect(v.items.map((x: Json) => x.source)).toEqual(['cat /etc/hostname']);
      const hit = (await t.http.get('/api/configs/search?text=PC17-WIFI').set(viewer).expect(200)).body;
      expect(hit.items.map((x: Json) => x.deviceId)).toEqual([survivor]);
    });

    it('later reports of either old identity land on the survivor', async () => {
      const bySnmp = await ingest.ingest({ ...snmpReport(), collectedAt: new Date('2025-03-02T10:00:00Z') });
      const bySsh = await ingest.ingest({ ...sshReport(), collectedAt: new Date('2025-03-03T10:00:00Z') });
      expect(bySnmp).toMatchObject({ deviceId: survivor, created: false, matchedBy: 'mac' });
      expect(bySsh).toMatchObject({ deviceId: survivor, created: false, matchedBy: 'serial' });
      expect((await t.http.get('/api/devices?q=pc17').set(viewer)).body.total).toBe(1);
    });

    it('fills an empty survivor\'s serial, interfaces and hardware, so the serial then finds it', async () => {
      const manual = await create({ hostname: 'printer-4f', location: 'Floor 4' });
      const seen = (await ingest.ingest({
        source: 'snmp', identity: { hostname: 'NPI4F21', serial: 'PRN-4F-0001', macs: ['00:1b:a9:4f:00:01'], addresses: ['192.0.2.44'] },
        device: { type: 'printer', platform: 'printer', vendor: 'Brother' },
        interfaces: [{ name: 'eth0', mac: '00:1b:a9:4f:00:01', addresses: ['192.0.2.44'] }],
        hardware: [{ kind: 'other', name: 'toner cartridge' }],
      })).deviceId;
      const res = await merge(manual, seen);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        hostname: 'printer-4f', serial: 'PRN-4F-0001', type: 'printer', platform: 'printer', vendor: 'Brother', location: 'Floor 4', primaryIp: '192.0.2.44',
        interfaces: [expect.objectContaining({ name: 'eth0', mac: '00:1b:a9:4f:00:01' })], hardware: [expect.objectContaining({ name: 'toner cartridge' })],
      });
      const again = await ingest.ingest({ source: 'snmp', identity: { serial: 'PRN-4F-0001' } });
      expect(again).toMatchObject({ deviceId: manual, matchedBy: 'serial' });
    });

    it('keeps, per source, the address of whichever record that source saw last', async () => {
      const seen = async (source: 'ssh' | 'snmp', day: string, name: string, address: string) =>
        (await ingest.ingest({ source, collectedAt: new Date(`${day}T08:00:00Z`), identity: { hostname: name, serial: name.toUpperCase(), addresses: [address] } })).deviceId;
      const kioskA = await seen('ssh', '2025-01-01', 'kiosk-a', '192.0.2.61');
      const kioskB = await seen('ssh', '2025-02-01', 'kiosk-b', '192.0.2.62');
      await seen('snmp', '2025-03-01', 'kiosk-a', '198.51.100.61');
      await seen('snmp', '2025-01-15', 'kiosk-b', '198.51.100.62');
      const res = await merge(kioskA, kioskB);
      expect(res.status).toBe(200);
      expect(res.body.sources).toEqual([
        { kind: 'snmp', firstSeen: '2025-01-15T08:00:00.000Z', lastSeen: '2025-03-01T08:00:00.000Z', address: '198.51.100.61' },
        { kind: 'ssh', firstSeen: '2025-01-01T08:00:00.000Z', lastSeen: '2025-02-01T08:00:00.000Z', address: '192.0.2.62' },
      ]);
    });

    it("a merged device's serial finds the survivor afterwards, though the survivor keeps another (a replaced mainboard)", async () => {
      const pc = (serial: string, mac: string): InventoryReport => ({ source: 'agent', identity: { hostname: 'acct-pc-07', serial, macs: [mac], addresses: ['192.0.2.77'] } });
      const old = (await ingest.ingest(pc('MB-OLD-0707', '3c:52:82:00:77:01'))).deviceId;
      // the new board: another serial and onboard NIC, so a device of its own until a technician says otherwise
      const fresh = await ingest.ingest(pc('MB-NEW-0707', '3c:52:82:00:77:02'));
      expect(fresh).toMatchObject({ created: true });
      expect(fresh.deviceId).not.toBe(old);
      expect((await merge(old, fresh.deviceId)).status).toBe(200);
      const again = await ingest.ingest(pc('MB-NEW-0707', '3c:52:82:00:77:02'));
      expect(again).toMatchObject({ deviceId: old, created: false, matchedBy: 'serial' });
      const dev = (await t.http.get(`/api/devices/${old}`).set(tech).expect(200)).body;
      expect(dev.serial).toBe('MB-NEW-0707');
      const sameName = (await t.db.query("SELECT COUNT(*) AS n FROM devices WHERE hostname = 'acct-pc-07'")) as Array<{ n: number }>;
      expect(Number(sameName[0].n)).toBe(1);
    });

    it('a report of the merged device that was being ingested during the merge lands on the survivor', async () => {
      const report = (name: string, mac: string, serial?: string): InventoryReport => ({ source: 'agent', identity: { hostname: name, serial, macs: [mac], addresses: ['192.0.2.60'] } });
      const keep = (await ingest.ingest(report('lab-60', '3c:52:82:00:60:01', 'LAB60-SERIAL'))).deviceId;
      const gone = (await ingest.ingest(report('lab-60-old', '3c:52:82:00:60:02'))).deviceId;
      // hold the merged device's row so that the merge and then the report queue behind it
      const blocker = t.db.createQueryRunner();
      await blocker.startTransaction();
      await blocker.query('SELECT id FROM devices WHERE id = ? FOR UPDATE', [gone]);
      const merging = merge(keep, gone).then((r) => r); // supertest sends on then()
      await lockWaits(1);
      const ingesting = ingest.ingest(report('lab-60-old', '3c:52:82:00:60:02'));
      await lockWaits(2);
      await blocker.rollbackTransaction();
      await blocker.release();
      expect((await merging).status).toBe(200);
      expect(await ingesting).toMatchObject({ deviceId: keep, created: false, matchedBy: 'mac' });
      expect((await t.http.get('/api/devices?q=lab-60').set(viewer)).body.total).toBe(1);
    });

    it('refuses a merge with itself (400), with a missing device (404), and a bad body (400 naming otherId)', async () => {
      const self = await merge(survivor, survivor);
      expect(self.status).toBe(400);
      expect(self.body.details).toEqual([{ field: 'otherId', messages: ['must be another device'] }]);
      expect(await merge(survivor, 999_999)).toMatchObject({ status: 404, body: { message: 'Device 999999 does not exist' } });
      expect(await merge(999_999, survivor)).toMatchObject({ status: 404, body: { message: 'Device 999999 does not exist' } });
      for (const body of [{}, { otherId: 'abc' }, { otherId: 1.5 }, { otherId: 0 }, { otherId: bystander, extra: 1 }]) {
        const res = await t.http.post(`/api/devices/${survivor}/merge`).set(tech).send(body);
        expect(res.status).toBe(400);
        expect(res.body.details.map((d: Json) => d.field)).toEqual([Object.keys(body).find((k) => k !== 'otherId') ?? 'otherId']);
      }
      const badPath = await t.http.post('/api/devices/abc/merge').set(tech).send({ otherId: bystander });
      expect(badPath).toMatchObject({ status: 400, body: { details: [{ field: 'id', messages: ['must be an integer id'] }] } });
      expect((await device(bystander)).id).toBe(bystander);
    });

    it('only technicians and admins may merge', async () => {
      const a = await create({ hostname: 'dup-a' });
      const b = await create({ hostname: 'dup-b' });
      expect((await merge(a, b, viewer)).status).toBe(403);
      expect((await device(b)).hostname).toBe('dup-b');
      expect((await merge(a, b, admin)).status).toBe(200);
    });

    it('gives the survivor the jobs that ran on the merged device, with their output, and the jobs that target it by id', async () => {
      const keep = await create({ hostname: 'jobs-keep' });
      const gone = await create({ hostname: 'jobs-gone' });
      const bystander = await create({ hostname: 'jobs-bystander' });
      // each job below starts a run at once; nothing consumes the queue here, so their targets stay as set
      const done = await postJob(t, { name: 'ran on gone', kind: 'noop', target: { deviceIds: [gone] } });
      const running = await postJob(t, { name: 'running on gone', kind: 'noop', target: { deviceIds: [gone] } });
      const both = await postJob(t, { name: 'ran on both', kind: 'noop', target: { deviceIds: [keep, gone] } });
      const nightly = await postJob(t, { name: 'nightly', kind: 'noop', target: { deviceIds: [gone, bystander], tags: ['x'] }, schedule: { cron: '0 3 * * *' } });
      const runOf = async (job: number) => Number((await t.db.query('SELECT MAX(id) AS id FROM job_runs WHERE job_id = ?', [job]))[0].id);
      const [doneRun, runningRun, bothRun] = [await runOf(done), await runOf(running), await runOf(both)];
      await t.db.query(`UPDATE job_run_targets SET status = 'succeeded', finished_at = NOW(3) WHERE run_id IN (?, ?)`, [doneRun, bothRun]);
      await t.db.query('INSERT INTO job_target_logs (run_id, device_id, log, bytes, truncated, at) VALUES (?, ?, ?, 9, 0, NOW(3))', [doneRun, gone, gzipSync('noop done')]);
      await t.db.query(`UPDATE job_run_targets SET status = 'running', lease_owner = 'worker-x', lease_until = NOW(3) + INTERVAL 1 MINUTE WHERE run_id = ?`, [runningRun]);

      expect((await merge(keep, gone)).status).toBe(200);

      // the survivor's Jobs tab lists them all, the job whose target still names the merged id
      // (running during the merge) too
      const jobsOf = async (id: number) => (await t.http.get(`/api/jobs?deviceId=${id}`).set(viewer).expect(200)).body;
      expect(await jobsOf(keep)).toMatchObject({ items: [{ id: both }, { id: running }, { id: done }], total: 3 });
      const log = await t.http.get(`/api/jobs/${done}/targets/${keep}/log`).set(viewer);
      expect(log.status).toBe(200);
      expect(log.text).toContain('noop done');
      expect((await t.http.get(`/api/jobs/${nightly}`).set(viewer)).body.target).toEqual({ deviceIds: [keep, bystander], tags: ['x'] });
      // a target running now is finished by its worker under the id it claimed; a run that
      // targeted both keeps the survivor's row
      const rows = async (run: number) => (await t.db.query('SELECT device_id AS d FROM job_run_targets WHERE run_id = ? ORDER BY device_id', [run])).map((r: Json) => Number(r.d));
      expect(await rows(runningRun)).toEqual([gone]);
      expect(await rows(bothRun)).toEqual([keep, gone]);
      // such a target names the device the merged one lives on as, so its page leads there, not to a 404
      const targetsOf = async (job: number, run: number) =>
        (await t.http.get(`/api/jobs/${job}/runs/${run}/targets`).set(viewer).expect(200)).body.items.map((x: Json) => [x.deviceId, x.mergedInto]);
      expect(await targetsOf(running, runningRun)).toEqual([[gone, keep]]);
      expect(await targetsOf(both, bothRun)).toEqual([[keep, null], [gone, keep]]);
      expect((await t.http.get(`/api/jobs/${running}`).set(viewer)).body.targets).toEqual([expect.objectContaining({ deviceId: gone, mergedInto: keep })]);
      // and still does once the survivor is merged into another device in turn
      const last = await create({ hostname: 'jobs-last' });
      expect((await merge(last, keep)).status).toBe(200);
      expect(await targetsOf(running, runningRun)).toEqual([[gone, last]]);
      expect(await jobsOf(last)).toMatchObject({ items: [{ id: both }, { id: running }, { id: done }], total: 3 });
      expect(await jobsOf(bystander)).toMatchObject({ items: [], total: 0 });
      expect((await t.http.get(`/api/devices/${last}`).set(viewer)).status).toBe(200);
    });

    it('writes an audit row naming the survivor and the merged device', async () => {
      const res = await t.http.get('/api/audit?action=device.merge').set(admin);
      const row = res.body.items.find((a: Json) => a.objectId === String(survivor) && a.statusCode === 200);
      expect(row).toMatchObject({ username: 'tina', objectType: 'device' });
      expect(JSON.parse(row.summary)).toEqual({ otherId: other });
    });
  });

  it("keeps what technicians wrote on both: the merged device's notes beside the survivor's, its location and user in the merge's history line", async () => {
    const keep = await create({ hostname: 'notes-keep', serial: 'NOTES-KEEP-1', location: 'Room 4', assignedTo: 'ana', notes: 'bought 2023, warranty to 2026' });
    const gone = await create({ hostname: 'notes-gone', location: 'Store room', assignedTo: 'ben', notes: 'PO 4711' });
    expect((await merge(keep, gone)).status).toBe(200);
    const d = await device(keep);
    expect(d).toMatchObject({ location: 'Room 4', assignedTo: 'ana' });
    expect(d.notes).toContain('bought 2023, warranty to 2026');
    expect(d.notes).toContain('PO 4711');
    const h = await history(keep);
    expect(h[0].before).toEqual(expect.stringContaining('location Store room'));
    expect(h[0].before).toEqual(expect.stringContaining('assigned to ben'));
    expect(h).toEqual(expect.arrayContaining([expect.objectContaining({ subject: 'notes', action: 'changed', before: 'bought 2023, warranty to 2026' })]));
  });

  describe('distinct', () => {
    it('marks, shows on both devices with a history line, and undoes', async () => {
      const a = await create({ hostname: 'twin-a' });
      const b = await create({ hostname: 'twin-b' });
      const res = await markDistinct(a, b);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: a, distinctFrom: [b] });
      expect((await device(b)).distinctFrom).toEqual([a]);
      expect((await markDistinct(b, a)).status).toBe(200); // marking again is harmless
      expect((await history(a))[0]).toMatchObject({ subject: `distinct from #${b} (twin-b)`, action: 'added', actor: 'tina' });
      expect((await history(b)).filter((h) => h.subject.startsWith('distinct'))).toHaveLength(1);

      const refused = await merge(a, b);
      expect(refused.status).toBe(409);
      expect(refused.body.message).toContain(`DELETE /api/devices/${a}/distinct/${b}`);

      expect((await t.http.delete(`/api/devices/${b}/distinct/${a}`).set(viewer)).status).toBe(403);
      expect((await t.http.delete(`/api/devices/${b}/distinct/${a}`).set(tech)).status).toBe(204);
      expect((await device(a)).distinctFrom).toEqual([]);
      expect((await history(b))[0]).toMatchObject({ subject: `distinct from #${a} (twin-a)`, action: 'removed' });
      expect(await t.http.delete(`/api/devices/${b}/distinct/${a}`).set(tech)).toMatchObject({ status: 404, body: { message: `Devices ${b} and ${a} are not marked as distinct` } });
      expect((await merge(a, b)).status).toBe(200);
    });

    it('validates and authorizes like every write', async () => {
      const a = await create({ hostname: 'lone' });
      expect((await markDistinct(a, a)).body.details).toEqual([{ field: 'otherId', messages: ['must be another device'] }]);
      expect(await markDistinct(a, 999_999)).toMatchObject({ status: 404, body: { message: 'Device 999999 does not exist' } });
      expect((await markDistinct(a, 'x')).body.details.map((d: Json) => d.field)).toEqual(['otherId']);
      expect((await markDistinct(a, a + 1, viewer)).status).toBe(403);
      const badPath = await t.http.delete(`/api/devices/${a}/distinct/nope`).set(tech);
      expect(badPath).toMatchObject({ status: 400, body: { details: [{ field: 'otherId', messages: ['must be an integer id'] }] } });
      const audit = await t.http.get('/api/audit?action=device.distinct').set(admin);
      expect(audit.body.items.length).toBeGreaterThan(0);
    });

    describe('ingest respects it: two cloned VMs carrying the same MAC', () => {
      const CLONED = '52:54:00:c1:0e:01';
      // over SSH each has its own serial; over SNMP only hostname, address and the cloned MAC
      const ssh = (name: string, serial: string, ip: string): InventoryReport => ({
        source: 'ssh', identity: { hostname: name, serial, macs: [CLONED], addresses: [ip] },
        device: { type: 'virtual-machine', platform: 'linux' }, interfaces: [{ name: 'ens18', mac: CLONED, addresses: [ip] }],
      });
      const snmp = (name: string, ip: string): InventoryReport => ({
        source: 'snmp', identity: { hostname: name, macs: [CLONED], addresses: [ip] }, interfaces: [{ name: 'ens18', mac: CLONED, addresses: [ip] }],
      });
      let vmA: number;
      let vmB: number;

      beforeAll(async () => {
        vmA = (await ingest.ingest(ssh('vm-a', 'VMW-CLONE-A', '192.0.2.201'))).deviceId;
        // the clone was entered by hand before anyone noticed the shared MAC
        vmB = await create({ hostname: 'vm-b', serial: 'VMW-CLONE-B' });
        expect((await markDistinct(vmA, vmB)).status).toBe(200);
      });

      it('each report goes to its own machine: by serial, then by hostname and address', async () => {
        expect(await ingest.ingest(ssh('vm-b', 'VMW-CLONE-B', '192.0.2.202'))).toMatchObject({ deviceId: vmB, matchedBy: 'serial' });
        // now both carry the MAC; an SNMP report names only the MAC, hostname and address
        expect(await ingest.ingest(snmp('vm-b', '192.0.2.202'))).toMatchObject({ deviceId: vmB, created: false, matchedBy: 'hostname' });
        expect(await ingest.ingest(snmp('vm-a', '192.0.2.201'))).toMatchObject({ deviceId: vmA, created: false, matchedBy: 'hostname' });
        // moved to a new DHCP address: the hostname still tells them apart
        expect(await ingest.ingest(snmp('vm-b', '192.0.2.222'))).toMatchObject({ deviceId: vmB, matchedBy: 'hostname' });
        const [a, b] = [await device(vmA), await device(vmB)];
        expect([a.serial, a.hostname, b.serial, b.hostname]).toEqual(['VMW-CLONE-A', 'vm-a', 'VMW-CLONE-B', 'vm-b']);
        expect(a.addresses.map((x: Json) => x.mac)).toEqual([CLONED]);
        expect(b.addresses.map((x: Json) => x.mac)).toEqual([CLONED]);
      });

      it('rescans of both, in turns, write no history: the shared MAC does not churn between them', async () => {
        const before = [(await history(vmA)).length, (await history(vmB)).length];
        for (let round = 0; round < 3; round++) {
          for (const r of [ssh('vm-a', 'VMW-CLONE-A', '192.0.2.201'), snmp('vm-b', '192.0.2.222'), snmp('vm-a', '192.0.2.201'), ssh('vm-b', 'VMW-CLONE-B', '192.0.2.222')]) {
            expect((await ingest.ingest(r)).changes).toBe(0);
          }
        }
        expect([(await history(vmA)).length, (await history(vmB)).length]).toEqual(before);
      });

      it('a report that cannot be told apart becomes a device of its own, and the next such report lands there too', async () => {
        const unknown = (): InventoryReport => ({ source: 'snmp', identity: { hostname: 'localhost', macs: [CLONED], addresses: ['192.0.2.250'] } });
        const first = await ingest.ingest(unknown());
        expect(first.created).toBe(true);
        expect([vmA, vmB]).not.toContain(first.deviceId);
        expect(await ingest.ingest(unknown())).toMatchObject({ deviceId: first.deviceId, created: false });
        expect((await device(vmA)).hostname).toBe('vm-a');
        expect((await device(vmB)).hostname).toBe('vm-b');
      });

      it('without the mark, the shared MAC would have put vm-b\'s report on vm-a', async () => {
        expect((await t.http.delete(`/api/devices/${vmA}/distinct/${vmB}`).set(tech)).status).toBe(204);
        const res = await ingest.ingest({ source: 'snmp', identity: { hostname: 'vm-b', macs: [CLONED], addresses: ['192.0.2.222'] } });
        expect(res.deviceId).toBe(vmA);
      });
    });
  });
});
