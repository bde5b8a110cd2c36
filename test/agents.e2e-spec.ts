// Agents' server side: enrollment tokens (admin only, audited, shown once, good for nothing but
// reports), and POST /api/inventory/reports refusing what it must — wrong, revoked or expired
// tokens, viewers, oversized and malformed bodies, schema violations naming the field, too many
// reports — while storing SQL and HTML in free text inert, as text.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INGEST_LOCKS, ingestLockNames, IngestService } from '../src/inventory/ingest.service';
import { bearer, createTestApp, TestApp } from './support/app';

/** A small, valid report: what the Linux agent sends, cut down. */
export function sampleReport(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    agent: { name: 'teknisi-agent.sh', version: '1.0.0' },
    collectedAt: new Date(Date.now() - 60_000).toISOString(),
    identity: { hostname: 'ws-0042', serial: 'CZC1234XYZ', macs: ['3c:52:82:11:22:33'], addresses: ['192.0.2.3'] },
    device: { type: 'workstation', platform: 'linux', osFamily: 'linux', osName: 'Debian GNU/Linux', osVersion: '12.11', vendor: 'HP', model: 'EliteDesk 800 G6' },
    hardware: [
      { kind: 'cpu', name: 'Intel(R) Core(TM) i5-10500 CPU @ 3.10GHz', manufacturer: 'Intel', cores: 6, speedMhz: 4500, slot: 'socket 0' },
      { kind: 'memory', name: 'total memory', capacityBytes: 16_624_025_600 },
      { kind: 'other', name: 'machine-id', serial: '0f3b9c2a8d7e4f1a9b6c5d4e3f2a1b0c' },
    ],
    interfaces: [{ name: 'eno1', mac: '3c:52:82:11:22:33', mtu: 1500, adminStatus: 'up', operStatus: 'up', addresses: ['192.0.2.3'] }],
    software: [
      { name: 'openssh-server', version: '1:9.2p1-2+deb12u3', architecture: 'amd64' },
      { name: 'curl', version: '7.88.1-10+deb12u8', architecture: 'amd64' },
    ],
    ...over,
  };
}

describe('agents', () => {
  let t: TestApp;
  let technician: string;
  let viewer: string;

  const newToken = async (body: Record<string, unknown> = { name: 'office PCs' }) => {
    const res = await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send(body);
    expect(res.status).toBe(201);
    return res.body as { id: number; token: string; prefix: string };
  };
  const report = (token: string | null, body: unknown = sampleReport()) => {
    const req = t.http.post('/api/inventory/reports');
    if (token) req.set(bearer(token));
    return typeof body === 'string' ? req.set('Content-Type', 'application/json').send(body) : req.send(body as object);
  };

  beforeAll(async () => {
    t = await createTestApp();
    technician = await t.tokenFor('technician');
    viewer = await t.tokenFor('viewer');
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('enrollment tokens', () => {
    it('shows a new token once, lists it without the secret, and audits who made it', async () => {
      const created = await newToken({ name: 'Finance laptops (GPO)', reportsPerMinute: 300 });
      expect(created).toMatchObject({ name: 'Finance laptops (GPO)', reportsPerMinute: 300, revokedAt: null, expiresAt: null, lastUsedAt: null });
      expect(created.token).toMatch(/^tka_[A-Za-z0-9_-]{43}$/);
      expect(created.prefix).toBe(created.token.slice(0, 12));
      const list = await t.http.get('/api/agents/tokens').set(bearer(t.adminToken));
      expect(list.status).toBe(200);
      const row = list.body.items.find((i: { id: number }) => i.id === created.id);
      expect(row).toMatchObject({ name: 'Finance laptops (GPO)', prefix: created.prefix });
      expect(JSON.stringify(list.body)).not.toContain(created.token);
      expect(row).not.toHaveProperty('tokenHash');
      const audit = await t.http.get('/api/audit?action=agent-token.create').set(bearer(t.adminToken));
      expect(audit.body.items[0]).toMatchObject({ username: 'admin', objectType: 'agent-token', objectId: String(created.id), statusCode: 201 });
      expect(audit.body.items[0].summary).not.toContain(created.token);
    });

    it('is for admins only: technicians and viewers get 403 on every token endpoint', async () => {
      for (const who of [technician, viewer]) {
        expect((await t.http.get('/api/agents/tokens').set(bearer(who))).status).toBe(403);
        expect((await t.http.post('/api/agents/tokens').set(bearer(who)).send({ name: 'x' })).status).toBe(403);
        expect((await t.http.delete('/api/agents/tokens/1').set(bearer(who))).status).toBe(403);
      }
    });

    it('refuses a past expiry and a bad rate with 400 naming the field', async () => {
      const past = await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send({ name: 'x', expiresAt: '2001-01-01T00:00:00Z' });
      expect(past.status).toBe(400);
      expect(past.body.details).toEqual([{ field: 'expiresAt', messages: ['must be in the future'] }]);
      const rate = await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send({ name: 'x', reportsPerMinute: 0 });
      expect(rate.status).toBe(400);
      expect(rate.body.details.map((d: { field: string }) => d.field)).toEqual(['reportsPerMinute']);
    });

    it('refuses an expiry past year 9999 (written as a date or as a number) and a blank name with 400 naming the field', async () => {
      for (const body of [{ name: 'x', expiresAt: '+010000-01-01T00:00:00Z' }, { name: 'x', expiresAt: 1e15 }]) {
        const res = await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send(body);
        expect(res.status).toBe(400);
        expect(res.body.details).toEqual([{ field: 'expiresAt', messages: ['expiresAt must be a date between 1970-01-01 and 9999-12-31'] }]);
      }
      const blank = await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send({ name: '   ' });
      expect(blank.status).toBe(400);
      expect(blank.body.details.map((d: { field: string }) => d.field)).toEqual(['name']);
      expect(await newToken({ name: '  Lab PCs  ' })).toMatchObject({ name: 'Lab PCs' });
    });

    it('gets 401 or 403 on every endpoint but the report upload (and the public ones)', async () => {
      const { token } = await newToken();
      const doc = (await t.http.get('/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
      const open = ['/api/health', '/api/auth/login', '/api/inventory/schema', '/api/inventory/reports', '/api/agents/scripts'];
      const tried: string[] = [];
      const let_in: string[] = [];
      for (const [p, methods] of Object.entries(doc.paths)) {
        if (open.some((o) => p.startsWith(o))) continue;
        for (const method of Object.keys(methods) as Array<'get' | 'post' | 'put' | 'patch' | 'delete'>) {
          const url = p.replace(/\{[^}]+\}/g, '1');
          const res = await t.http[method](url).set(bearer(token)).send({});
          if (res.status !== 401 && res.status !== 403) let_in.push(`${method.toUpperCase()} ${url} → ${res.status}`);
          tried.push(`${method} ${url}`);
        }
      }
      expect(let_in).toEqual([]);
      expect(tried.length).toBeGreaterThan(50);
      expect((await t.http.get('/metrics').set(bearer(token))).status).toBe(401);
    });

    it('stops working once revoked (401 saying so), and a second revoke is a 404', async () => {
      const { id, token } = await newToken();
      expect((await report(token)).status).toBe(200);
      const del = await t.http.delete(`/api/agents/tokens/${id}`).set(bearer(t.adminToken));
      expect(del.status).toBe(204);
      const refused = await report(token);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/^Enrollment token tka_\S+… was revoked on \d{4}-/);
      expect((await t.http.delete(`/api/agents/tokens/${id}`).set(bearer(t.adminToken))).body.message).toBe(`Enrollment token ${id} was revoked already`);
      expect((await t.http.delete('/api/agents/tokens/999999').set(bearer(t.adminToken))).status).toBe(404);
      const listed = (await t.http.get('/api/agents/tokens').set(bearer(t.adminToken))).body.items.find((i: { id: number }) => i.id === id);
      expect(listed.revokedAt).toEqual(expect.any(String));
      expect(listed.lastUsedAt).toEqual(expect.any(String));
      const audit = await t.http.get('/api/audit?action=agent-token.revoke').set(bearer(t.adminToken));
      expect(audit.body.items[0]).toMatchObject({ objectId: String(id), statusCode: 204 });
    });

    it('stops working once expired', async () => {
      const { id, token } = await newToken({ name: 'short-lived', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
      expect((await report(token)).status).toBe(200);
      await t.db.query('UPDATE agent_tokens SET expires_at = ? WHERE id = ?', [new Date(Date.now() - 1000), id]);
      const refused = await report(token);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/expired on/);
    });
  });

  describe('POST /api/inventory/reports', () => {
    let token: string;
    beforeAll(async () => {
      token = (await newToken({ name: 'reports', reportsPerMinute: 1000 })).token;
    });

    it('ingests a report as source agent and says which device it became', async () => {
      const mine = () => sampleReport({
        identity: { hostname: 'ws-0077', serial: 'CZC7777XYZ', macs: ['3c:52:82:77:77:77'], addresses: ['192.0.2.77'] },
        interfaces: [{ name: 'eno1', mac: '3c:52:82:77:77:77', mtu: 1500, adminStatus: 'up', operStatus: 'up', addresses: ['192.0.2.77'] }],
      });
      const first = await report(token, mine());
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ deviceId: expect.any(Number), created: true, matchedBy: null, changes: 1 });
      const again = await report(token, mine());
      expect(again.body).toEqual({ deviceId: first.body.deviceId, created: false, matchedBy: 'serial', changes: 0 });
      const device = (await t.http.get(`/api/devices/${first.body.deviceId}`).set(bearer(t.adminToken))).body;
      expect(device).toMatchObject({
        hostname: 'ws-0077', serial: 'CZC7777XYZ', type: 'workstation', platform: 'linux', osName: 'Debian GNU/Linux', osVersion: '12.11',
        vendor: 'HP', model: 'EliteDesk 800 G6', sources: [expect.objectContaining({ kind: 'agent' })],
      });
      expect(device.hardware).toContainEqual(expect.objectContaining({ kind: 'other', name: 'machine-id', serial: '0f3b9c2a8d7e4f1a9b6c5d4e3f2a1b0c' }));
      expect(device.interfaces).toEqual([expect.objectContaining({ name: 'eno1', mac: '3c:52:82:77:77:77' })]);
      expect(device.addresses).toContainEqual(expect.objectContaining({ ip: '192.0.2.77', mac: '3c:52:82:77:77:77' }));
      const software = await t.http.get(`/api/devices/${first.body.deviceId}/software`).set(bearer(t.adminToken));
      expect(software.body.total).toBe(2);
      // reports are not audited (the device's history and sources record them)
      const audit = await t.http.get('/api/audit?action=POST%20/api/inventory/reports').set(bearer(t.adminToken));
      expect(audit.body.total).toBe(0);
    });

    it("takes the agent's clock only when it is not ahead of the server's", async () => {
      const future = await report(token, sampleReport({ identity: { hostname: 'clock-ahead', serial: 'CLOCK0001' }, collectedAt: '2099-01-01T00:00:00Z' }));
      expect(future.status).toBe(200);
      const device = (await t.http.get(`/api/devices/${future.body.deviceId}`).set(bearer(t.adminToken))).body;
      expect(new Date(device.lastSeen).getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('finds the device of a report without serial, MACs or hardware (WMI down) by host name and the machine id in its identity', async () => {
      const mid = '7d1e2c3b4a5f60718293a4b5c6d7e8f9';
      const full = await report(token, sampleReport({
        identity: { hostname: 'pc-wmi-down', serial: 'WMIDOWN01', macs: ['3c:52:82:44:55:66'], addresses: ['192.0.2.44'], machineId: mid },
        hardware: [{ kind: 'other', name: 'machine-id', serial: mid }],
      }));
      expect(full.status).toBe(200);
      // what the Windows agent sends when WMI does not answer: the registry's MachineGuid, the host name
      const bare = await report(token, { agent: { name: 'teknisi-agent.ps1', version: '1.0.0' }, identity: { hostname: 'pc-wmi-down', macs: [], addresses: [], machineId: mid } });
      expect(bare.status).toBe(200);
      // before: a new "pc-wmi-down" at every such run
      expect(bare.body).toMatchObject({ deviceId: full.body.deviceId, created: false, matchedBy: 'machine-id' });
      // a machine id that is none (not 32 hex digits or a GUID) is ignored, not refused
      const odd = await report(token, { identity: { hostname: 'pc-odd-id', machineId: 'not-an-id' } });
      expect(odd.status).toBe(200);
    });

    it("takes the server's clock when the agent's is far behind (a dead CMOS battery), so the device is seen now", async () => {
      const before = Date.now();
      const behind = await report(token, sampleReport({ identity: { hostname: 'clock-behind', serial: 'CLOCK0002' }, collectedAt: '1970-01-02T00:00:00Z' }));
      expect(behind.status).toBe(200);
      const device = (await t.http.get(`/api/devices/${behind.body.deviceId}`).set(bearer(t.adminToken))).body;
      expect(new Date(device.lastSeen).getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(new Date(device.firstSeen).getTime()).toBeGreaterThanOrEqual(before - 1000);
      // a report collected a minute ago keeps its own time
      const recent = new Date(Date.now() - 60_000);
      const again = await report(token, sampleReport({ identity: { hostname: 'clock-behind', serial: 'CLOCK0002' }, collectedAt: recent.toISOString() }));
      expect(again.body.deviceId).toBe(behind.body.deviceId);
    });

    describe('a report collected before the last one of its machine', () => {
      const late = (version: string, collectedAt: Date, hostname = 'ws-late', serial = 'LATE00001') => sampleReport({
        collectedAt: collectedAt.toISOString(),
        identity: { hostname, serial, macs: ['3c:52:82:0a:7e:01'], addresses: ['192.0.2.71'] },
        interfaces: [{ name: 'eno1', mac: '3c:52:82:0a:7e:01', mtu: 1500, adminStatus: 'up', operStatus: 'up', addresses: ['192.0.2.71'] }],
        software: [{ name: 'Mozilla Firefox', version, publisher: 'Mozilla' }],
      });
      const firefox = async (id: number) =>
        ((await t.http.get(`/api/devices/${id}/software`).set(bearer(t.adminToken))).body.items as Array<{ name: string; version: string }>).map((x) => `${x.name} ${x.version}`);
      const changed = async (id: number) =>
        ((await t.http.get(`/api/devices/${id}/history?limit=100`).set(bearer(t.adminToken))).body.items as Array<{ action: string }>).filter((h) => h.action !== 'added');

      it('is taken as a sighting only: the newer inventory stays, and no history line says otherwise', async () => {
        const newerAt = new Date(Date.now() - 60_000);
        const newer = await report(token, late('128.0', newerAt));
        expect(newer.body).toMatchObject({ created: true });
        // held up on its way (a proxy's queue, a retry): it arrives second
        const older = await report(token, late('115.0', new Date(Date.now() - 10 * 60_000)));
        expect(older.body).toEqual({ deviceId: newer.body.deviceId, created: false, matchedBy: 'serial', changes: 0 });
        expect(await firefox(newer.body.deviceId)).toEqual(['Mozilla Firefox 128.0']);
        expect(await changed(newer.body.deviceId)).toEqual([]);
        const device = (await t.http.get(`/api/devices/${newer.body.deviceId}`).set(bearer(t.adminToken))).body;
        expect(device.lastSeen).toBe(newerAt.toISOString());
        expect(device.sources).toEqual([expect.objectContaining({ kind: 'agent', lastSeen: newerAt.toISOString() })]);
      });

      it("keeps a technician's upload at the time it was collected, however old: a dry run from yesterday is yesterday's", async () => {
        const yesterday = new Date(Date.now() - 86_400_000);
        // a machine without network: its dry run, carried over and uploaded a day later
        const offline = await report(technician, late('115.0', yesterday, 'ws-offline', 'OFFLINE01'));
        expect(offline.body).toMatchObject({ created: true });
        const device = (await t.http.get(`/api/devices/${offline.body.deviceId}`).set(bearer(t.adminToken))).body;
        expect([device.firstSeen, device.lastSeen]).toEqual([yesterday.toISOString(), yesterday.toISOString()]);
        // and yesterday's report of a machine its agent reported since changes nothing
        const known = (await t.db.query("SELECT id FROM devices WHERE serial = 'LATE00001'"))[0].id;
        const stale = await report(technician, late('102.0', yesterday));
        expect(stale.body).toEqual({ deviceId: known, created: false, matchedBy: 'serial', changes: 0 });
        expect(await firefox(known)).toEqual(['Mozilla Firefox 128.0']);
      });
    });

    describe('whoever holds an enrollment token', () => {
      let ingest: IngestService;
      beforeAll(() => {
        ingest = t.app.get(IngestService);
      });
      const M1 = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
      const M2 = '9b2c7d4e-1a3f-4e5b-8c6d-7e8f9a0b1c2d';
      const dc = {
        identity: { hostname: 'dc01', fqdn: 'dc01.corp.example', serial: 'VMW-DC01-0001', macs: ['00:50:56:a0:dc:01'], addresses: ['192.0.2.10'] },
        interfaces: [{ name: 'Ethernet0', mac: '00:50:56:a0:dc:01', addresses: ['192.0.2.10'] }],
      };
      const softwareOf = async (id: number) =>
        ((await t.http.get(`/api/devices/${id}/software`).set(bearer(t.adminToken))).body.items as Array<{ name: string }>).map((x) => x.name).sort();

      it("cannot take over a machine SSH knows by another OS installation id: the report becomes a device of its own", async () => {
        const bySsh = await ingest.ingest({
          source: 'ssh', ...dc,
          device: { type: 'server', platform: 'windows', osFamily: 'windows', osName: 'Microsoft Windows Server 2022 Standard', osVersion: '10.0.20348', vendor: 'VMware, Inc.' },
          hardware: [{ kind: 'cpu', name: 'Intel Xeon Gold 6338', cores: 4 }, { kind: 'other', name: 'machine-id', serial: M1 }],
          software: [{ name: 'Active Directory Domain Services', version: '10.0.20348', publisher: 'Microsoft Corporation' }],
        });
        // a local admin of some enrolled PC copies the DC's serial, MAC, name and address
        const forged = (machineId?: string) => report(token, sampleReport({
          agent: { name: 'teknisi-agent.ps1', version: '1.0.0' },
          identity: { ...dc.identity, ...(machineId ? { machineId } : {}) },
          interfaces: dc.interfaces,
          device: { type: 'workstation', platform: 'windows', osFamily: 'windows', osName: 'Microsoft Windows 10 Pro', osVersion: '10.0.19045' },
          hardware: machineId ? [{ kind: 'other', name: 'machine-id', serial: machineId }] : [],
          software: [{ name: 'Totally Legit Remote Access', version: '6.6.6' }],
        }));
        const other = await forged(M2);
        expect(other.body).toMatchObject({ created: true, matchedBy: null });
        expect(other.body.deviceId).not.toBe(bySsh.deviceId);
        // nor without any id
        const bare = await forged();
        expect(bare.body.deviceId).not.toBe(bySsh.deviceId);
        const kept = (await t.http.get(`/api/devices/${bySsh.deviceId}`).set(bearer(t.adminToken))).body;
        expect(kept).toMatchObject({ hostname: 'dc01', osName: 'Microsoft Windows Server 2022 Standard', type: 'server', sources: [expect.objectContaining({ kind: 'ssh' })] });
        expect(await softwareOf(bySsh.deviceId)).toEqual(['Active Directory Domain Services']);
        // the DC's own agent (the same MachineGuid) joins it, as before
        const own = await report(token, sampleReport({
          agent: { name: 'teknisi-agent.ps1', version: '1.0.0' }, identity: { ...dc.identity, machineId: M1 }, interfaces: dc.interfaces,
          device: { type: 'server', platform: 'windows', osFamily: 'windows', osName: 'Microsoft Windows Server 2022 Standard', osVersion: '10.0.20348' },
          hardware: [{ kind: 'other', name: 'machine-id', serial: M1.toUpperCase() }],
          software: [{ name: 'Active Directory Domain Services', version: '10.0.20348', publisher: 'Microsoft Corporation' }],
        }));
        expect(own.body).toMatchObject({ deviceId: bySsh.deviceId, created: false, matchedBy: 'serial' });
      });

      it('keeps a PC that its agent alone knows one device when it is reimaged (a new OS installation id)', async () => {
        const laptop = { hostname: 'lt-0420', serial: 'PF3REIMG', macs: ['3c:52:82:aa:04:20'] };
        const first = await report(token, sampleReport({ identity: { ...laptop, machineId: M1 }, hardware: [{ kind: 'other', name: 'machine-id', serial: M1 }] }));
        expect(first.body).toMatchObject({ created: true });
        // the service desk reimages it: same hardware, a fresh /etc/machine-id
        const again = await report(token, sampleReport({ identity: { ...laptop, machineId: M2 }, hardware: [{ kind: 'other', name: 'machine-id', serial: M2 }] }));
        expect(again.body).toMatchObject({ deviceId: first.body.deviceId, created: false, matchedBy: 'serial' });
      });

      it("cannot take over a switch: an agent's report with its serial and MAC is a device of its own", async () => {
        const sw = {
          source: 'snmp' as const, identity: { hostname: 'core-sw1', serial: 'FOC2231X0SW', macs: ['70:1f:53:aa:00:01'], addresses: ['192.0.2.250'] },
          device: { type: 'switch' as const, platform: 'cisco-ios' as const, vendor: 'Cisco', model: 'C9300-48P', osFamily: 'ios', osName: 'Cisco IOS XE', osVersion: '17.9.4' },
          interfaces: [{ name: 'Vlan1', mac: '70:1f:53:aa:00:01', addresses: ['192.0.2.250'] }],
        };
        const bySnmp = await ingest.ingest(sw);
        const forged = await report(token, sampleReport({
          identity: { ...sw.identity, machineId: M2 },
          interfaces: sw.interfaces,
          device: { type: 'switch', platform: 'linux', osFamily: 'linux', osName: 'Debian GNU/Linux', osVersion: '12.11' },
        }));
        expect(forged.body).toMatchObject({ created: true, matchedBy: null });
        expect(forged.body.deviceId).not.toBe(bySnmp.deviceId);
        const kept = (await t.http.get(`/api/devices/${bySnmp.deviceId}`).set(bearer(t.adminToken))).body;
        expect(kept).toMatchObject({ hostname: 'core-sw1', type: 'switch', platform: 'cisco-ios', osName: 'Cisco IOS XE', sources: [expect.objectContaining({ kind: 'snmp' })] });
        // and the next scan still finds the switch, not the report's device
        expect((await ingest.ingest(sw)).deviceId).toBe(bySnmp.deviceId);
        // which is no network gear: an agent runs on a computer
        expect((await t.http.get(`/api/devices/${forged.body.deviceId}`).set(bearer(t.adminToken))).body.type).toBe('other');
      });
    });

    it('lets a technician post a report with their own token, not a viewer', async () => {
      expect((await report(technician, sampleReport({ identity: { hostname: 'by-hand', serial: 'BYHAND001' } }))).status).toBe(200);
      const refused = await report(viewer);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toBe("Reports need an enrollment token, or a technician's or admin's token; you are viewer");
    });

    it.each([
      ['no token', null, /^Send the enrollment token as Authorization: Bearer <token>$/],
      ['an unknown enrollment token', 'tka_' + 'x'.repeat(43), /^Unknown enrollment token: ask an admin/],
      ['a made-up bearer value', 'not-a-token', /^Unknown or expired token/],
    ])('answers 401 to %s, in words', async (_what, tok, message) => {
      const res = await report(tok);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(message) });
    });

    it('answers a body over 8 MiB with a 413 that says the size and the limit', async () => {
      const big = sampleReport({ software: Array.from({ length: 90_000 }, (_, i) => ({ name: `package-${i}-${'x'.repeat(80)}`, version: '1.0' })) });
      const res = await report(token, big);
      expect(res.status).toBe(413);
      expect(res.body).toEqual({
        statusCode: 413, error: 'Payload Too Large',
        message: expect.stringMatching(/^Inventory report is too large: \d+ bytes; this server accepts at most 8 MiB$/),
      });
    });

    it('refuses a report without a valid token before reading its body', async () => {
      // before: the 8 MiB parse ran first, for anyone (a 413 or 400 where the answer is 401)
      const big = JSON.stringify(sampleReport({ software: Array.from({ length: 90_000 }, (_, i) => ({ name: `package-${i}-${'x'.repeat(80)}`, version: '1.0' })) }));
      for (const tok of [null, 'tka_' + 'y'.repeat(43)]) {
        const res = await report(tok, big);
        expect(res.status).toBe(401);
      }
      expect((await report(null, '{"identity": {"hostname": "x"},')).status).toBe(401);
      const text = await t.http.post('/api/inventory/reports').set('Content-Type', 'text/plain').send('x'.repeat(1024 * 1024));
      expect(text.status).toBe(401);
    });

    it('answers malformed JSON with a 400 that says so', async () => {
      const res = await report(token, '{"identity": {"hostname": "x"},');
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^Inventory report is not valid JSON: /);
    });

    it('answers a report nested deeper than any report with a 400 that says so', async () => {
      const res = await report(token, `{"identity":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('Inventory report: The JSON body nests objects or arrays more than 64 levels deep');
    });

    it('asks for JSON when the body is sent as something else', async () => {
      const res = await t.http.post('/api/inventory/reports').set(bearer(token)).set('Content-Type', 'text/plain').send('hostname=x');
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ field: 'body', messages: ['must be an object, not string'] }]);
    });

    it.each([
      ['no identity', { identity: undefined }, 'identity', 'is required'],
      ['an empty identity', { identity: {} }, 'identity', 'must have at least 1 property'],
      ['a field the schema does not know', { source: 'ssh' }, 'source', 'is not a field of the report (see GET /api/inventory/schema)'],
      ['a prototype key', JSON.parse('{"__proto__": {"x": 1}}'), '__proto__', 'is not a field of the report (see GET /api/inventory/schema)'],
      ['a bad MAC', { identity: { hostname: 'h', macs: ['3c:52:82:11:22:33', 'not-a-mac'] } }, 'identity.macs[1]', expect.stringMatching(/^must match /)],
      ['a bad address', { identity: { hostname: 'h', addresses: ["192.0.2.1' OR 1=1 --"] } }, 'identity.addresses[0]', expect.stringMatching(/^must match /)],
      ['an unknown platform', { device: { platform: 'cisco-ios' } }, 'device.platform', 'must be one of linux, macos, windows, other'],
      ['an unknown hardware kind', { hardware: [{ kind: 'gpu' }] }, 'hardware[0].kind', 'must be one of cpu, memory, disk, other'],
      ['a negative size', { hardware: [{ kind: 'disk', capacityBytes: -1 }] }, 'hardware[0].capacityBytes', 'must be at least 0'],
      ['a fractional core count', { hardware: [{ kind: 'cpu', cores: 2.5 }] }, 'hardware[0].cores', 'must be an integer'],
      ['a number as a name', { software: [{ name: 'ok' }, { name: 42 }] }, 'software[1].name', 'must be a string, not number'],
      ['an empty package name', { software: [{ name: '' }] }, 'software[0].name', 'must not be empty'],
      ['a too long package name', { software: [{ name: 'x'.repeat(256) }] }, 'software[0].name', 'must be at most 255 characters, not 256'],
      ['a bad install date', { software: [{ name: 'x', installDate: '20240105' }] }, 'software[0].installDate', 'must match ^[0-9]{4}-[0-9]{2}-[0-9]{2}$'],
      ['a bad collection time', { collectedAt: 'yesterday' }, 'collectedAt', 'must be an ISO 8601 date and time, e.g. 2030-01-31T12:00:00Z'],
      ['software as an object', { software: { name: 'x' } }, 'software', 'must be an array, not object'],
      ['an interface without a name', { interfaces: [{ mac: '3c:52:82:11:22:33' }] }, 'interfaces[0].name', 'is required'],
      ['a collection time before year 1', { identity: { hostname: 'clock-zero', serial: 'CLOCK0000' }, collectedAt: '0000-01-01T00:00:00+23:59' }, 'collectedAt', 'must be between 1970-01-01 and 9999-12-31'],
      ['a collection time past year 9999', { collectedAt: '9999-12-31T23:59:59-00:01' }, 'collectedAt', 'must be between 1970-01-01 and 9999-12-31'],
      ['a CPU speed over 2^32 - 1', { hardware: [{ kind: 'cpu', speedMhz: 4_294_967_296 }] }, 'hardware[0].speedMhz', 'must be at most 4294967295'],
      ['a core count over 2^32 - 1', { hardware: [{ kind: 'cpu', cores: 4_294_967_296 }] }, 'hardware[0].cores', 'must be at most 4294967295'],
      ['an ifIndex over 2^32 - 1', { interfaces: [{ name: 'eno1', ifIndex: 4_294_967_296 }] }, 'interfaces[0].ifIndex', 'must be at most 4294967295'],
      ['a link speed over 2^32 - 1', { interfaces: [{ name: 'eno1', speedMbps: 4_294_967_296 }] }, 'interfaces[0].speedMbps', 'must be at most 4294967295'],
      ['an MTU over 2^32 - 1', { interfaces: [{ name: 'eno1', mtu: 4_294_967_296 }] }, 'interfaces[0].mtu', 'must be at most 4294967295'],
    ])('refuses %s with 400 naming the field', async (_what, over, field, message) => {
      const res = await report(token, sampleReport(over as Record<string, unknown>));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.details).toEqual([{ field, messages: [message] }]);
      expect(res.body.message).toContain(field);
    });

    it('keeps counts up to the largest its columns hold (2^32 - 1)', async () => {
      const max = 4_294_967_295;
      const res = await report(token, sampleReport({
        identity: { hostname: 'big-counts', serial: 'BIGCOUNT01' },
        hardware: [{ kind: 'cpu', cores: max, speedMhz: max }],
        interfaces: [{ name: 'eno1', ifIndex: max, speedMbps: max, mtu: max }],
      }));
      expect([res.status, res.body.details]).toEqual([200, undefined]);
      const d = (await t.http.get(`/api/devices/${res.body.deviceId}`).set(bearer(t.adminToken))).body;
      expect(d.hardware).toEqual([expect.objectContaining({ cores: max, speedMhz: max })]);
      expect(d.interfaces).toEqual([expect.objectContaining({ ifIndex: max, speedMbps: max, mtu: max })]);
    });

    it('names at most 20 problems of a report full of them', async () => {
      const res = await report(token, sampleReport({ software: Array.from({ length: 500 }, () => ({ name: 7 })) }));
      expect(res.status).toBe(400);
      expect(res.body.details).toHaveLength(20);
    });

    it('stores SQL and HTML in every free-text field as text, inert', async () => {
      const payloads = ["'); DROP TABLE devices; --", '<script>alert(document.cookie)</script>', '" OR ""="', '<img src=x onerror=alert(1)>', "\\'; SELECT SLEEP(5); #"];
      for (const [i, p] of payloads.entries()) {
        const res = await report(token, {
          identity: { hostname: `${p}-${i}`, fqdn: `${p}.example`, serial: `SER-${i}-${p}`, macs: [`3c:52:82:00:00:0${i}`] },
          device: { vendor: p, model: p, osFamily: p.slice(0, 32), osName: p, osVersion: p },
          hardware: [{ kind: 'disk', name: p, manufacturer: p, model: p, serial: p, slot: p }],
          interfaces: [{ name: p, description: p, adminStatus: p.slice(0, 16), operStatus: p.slice(0, 32) }],
          software: [{ name: p, version: p, publisher: p, architecture: p.slice(0, 32) }],
        });
        expect([res.status, res.body.details]).toEqual([200, undefined]);
        const d = (await t.http.get(`/api/devices/${res.body.deviceId}`).set(bearer(t.adminToken))).body;
        expect(d).toMatchObject({ hostname: `${p}-${i}`, fqdn: `${p}.example`, serial: `SER-${i}-${p}`, vendor: p, model: p, osName: p, osVersion: p });
        expect(d.hardware[0]).toMatchObject({ name: p, manufacturer: p, model: p, serial: p, slot: p });
        // ingest keeps 16 characters of a status
        expect(d.interfaces[0]).toMatchObject({ name: p, description: p, operStatus: p.slice(0, 16) });
        const sw = (await t.http.get(`/api/devices/${res.body.deviceId}/software`).set(bearer(t.adminToken))).body.items[0];
        expect(sw).toMatchObject({ name: p, version: p, publisher: p });
      }
      const [{ n }] = await t.db.query('SELECT COUNT(*) AS n FROM devices');
      expect(Number(n)).toBeGreaterThan(payloads.length);
      // the API answers JSON, never HTML: the payload reaches a browser only as a JSON string
      const res = await t.http.get('/api/devices?q=script').set(bearer(t.adminToken));
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('publishes its JSON Schema without authentication', async () => {
      const res = await t.http.get('/api/inventory/schema');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: ['identity'] });
      expect(Object.keys(res.body.properties)).toEqual(['agent', 'collectedAt', 'identity', 'device', 'hardware', 'interfaces', 'software']);
    });
  });

  describe('GET /api/agents/scripts/:platform', () => {
    it.each([
      ['linux', 'linux/teknisi-agent.sh', 'teknisi-agent.sh'],
      ['macos', 'macos/teknisi-agent.sh', 'teknisi-agent.sh'],
      ['windows', 'windows/teknisi-agent.ps1', 'teknisi-agent.ps1'],
    ])('serves the %s agent as it is in agents/, without signing in, as a download', async (platform, file, name) => {
      const res = await t.http.get(`/api/agents/scripts/${platform}`).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect(res.status).toBe(200);
      expect((res.body as Buffer).equals(fs.readFileSync(path.join(__dirname, '..', 'agents', file)))).toBe(true);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${name}"`);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it.each(['solaris', '..%2F..%2Fpackage.json', 'LINUX'])('answers 400 naming platform for %s, and serves no other file', async (platform) => {
      const res = await t.http.get(`/api/agents/scripts/${platform}`);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['platform']);
      expect(res.body.message).toContain('linux, macos, windows');
    });
  });

  describe('rate limit', () => {
    it('answers 429 with Retry-After past a token\'s reports per minute, counted across API processes', async () => {
      const { token } = await newToken({ name: 'tight', reportsPerMinute: 3 });
      // a second API process on the same database and Redis counts against the same budget
      const other = await createTestApp({ env: { DATABASE_URL: t.config.databaseUrl, TEKNISI_QUEUE_PREFIX: t.config.queuePrefix } });
      try {
        const send = (http: TestApp['http']) => http.post('/api/inventory/reports').set(bearer(token)).send(sampleReport());
        expect((await send(t.http)).status).toBe(200);
        expect((await send(other.http)).status).toBe(200);
        expect((await send(t.http)).status).toBe(200);
        const refused = await send(other.http);
        expect(refused.status).toBe(429);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
        expect(refused.body.message).toMatch(/^Too many reports for enrollment token "tight" \(tka_\S+…\): at most 3 a minute; retry after \d+ s/);
        // another token has its own budget
        expect((await report((await newToken()).token)).status).toBe(200);
      } finally {
        await other.close(); // t's database and queue stay: they were named in its env
      }
    });
  });
});

// A burst of agents' reports (a building powering on at 8:00): one API process stores at most
// TEKNISI_REPORTS_IN_FLIGHT at once, each holding a database connection, and answers the rest
// 503 with Retry-After instead of queueing them behind the UI's requests; a report held up by
// another of the same machine past its wait is a 503 too, not a 500 with a stack trace.
describe('reports when the server is busy', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { TEKNISI_REPORTS_IN_FLIGHT: '1' } });
    token = (await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send({ name: 'busy' })).body.token;
  });

  afterAll(async () => {
    INGEST_LOCKS.waitSeconds = 30;
    await t?.close();
  });

  const report = (body: object) => t.http.post('/api/inventory/reports').set(bearer(token)).send(body);

  it('answers 503 with Retry-After past the reports it may store at once, and stores them when sent again', async () => {
    const first = sampleReport({ identity: { hostname: 'busy-01', serial: 'BUSY00001', macs: ['3c:52:82:66:00:01'], addresses: ['192.0.2.61'] } });
    const second = sampleReport({ identity: { hostname: 'busy-02', serial: 'BUSY00002', macs: ['3c:52:82:66:00:02'], addresses: ['192.0.2.62'] } });
    // another ingest of the first machine holds it: the first report waits, holding the one place
    const other = t.db.createQueryRunner();
    await other.connect();
    const [held] = ingestLockNames({ ...first, source: 'agent' } as never, t.db);
    expect(Number((await other.query('SELECT GET_LOCK(?, 0) AS got', [held]))[0].got)).toBe(1);
    try {
      const waiting = report(first).then((r) => r);
      // until the first report waits for the machine's lock (in MariaDB's process list)
      for (let i = 0; ; i++) {
        const [{ n }] = await t.db.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE STATE = 'User lock' AND DB = DATABASE()");
        if (Number(n) > 0) break;
        if (i > 200) throw new Error('the first report never waited for the lock');
        await new Promise((r) => setTimeout(r, 50));
      }
      const refused = await report(second);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('30');
      expect(refused.body.message).toBe("The server is storing 1 reports already; send this one again in 30 s (the agent's next run will also do)");
      await other.query('SELECT RELEASE_LOCK(?)', [held]);
      expect((await waiting).status).toBe(200);
    } finally {
      await other.query('SELECT RELEASE_ALL_LOCKS()');
      await other.release();
    }
    const again = await report(second);
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(true);
  });

  it('answers 503 with Retry-After when another report of the same machine holds this one up too long', async () => {
    INGEST_LOCKS.waitSeconds = 1;
    const body = sampleReport({ identity: { hostname: 'busy-03', serial: 'BUSY00003', macs: ['3c:52:82:66:00:03'], addresses: ['192.0.2.63'] } });
    const other = t.db.createQueryRunner();
    await other.connect();
    const names = ingestLockNames({ ...body, source: 'agent' } as never, t.db);
    expect(Number((await other.query('SELECT GET_LOCK(?, 0) AS got', [names[names.length - 1]]))[0].got)).toBe(1);
    try {
      const res = await report(body);
      // before: 500 "Internal server error"
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('30');
      expect(res.body.message).toBe('The report could not be stored now: timed out after 1 s waiting for another report of the same machine to be stored; send it again in 30 s');
    } finally {
      await other.query('SELECT RELEASE_ALL_LOCKS()');
      await other.release();
      INGEST_LOCKS.waitSeconds = 30;
    }
  });
});
