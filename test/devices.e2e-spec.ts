// Devices API against the real MariaDB: search by every field, filters, sort and pages,
// manual edits with history, retirement, roles, CSV export and import.
import { DevicesRepository } from '../src/devices/devices.repository';
import { DevicesService } from '../src/devices/devices.service';
import { SoftwareService } from '../src/software/software.service';
import { bearer, createTestApp, TestApp } from './support/app';
import { installSoftware, makeDevice } from './support/factories';

describe('devices API', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  let tech: Record<string, string>;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp();
    admin = bearer(t.adminToken);
    viewer = bearer(await t.tokenFor('viewer'));
    tech = bearer(await t.tokenFor('technician'));
    const old = new Date(Date.now() - 90 * 86_400_000);
    ids.alpha = await makeDevice(t.db, {
      hostname: 'alpha-ws', fqdn: 'alpha-ws.corp.example', serial: 'SN-ALPHA-1', model: 'OptiPlex 7090', vendor: 'Dell',
      osFamily: 'windows', osName: 'Windows 11 Pro', type: 'workstation', platform: 'windows', location: 'Floor 2',
      primaryIp: '192.0.2.11', tags: ['finance', 'floor-2'], addresses: [{ ip: '192.0.2.11', mac: '00:1a:2b:3c:4d:01' }],
      software: [{ name: 'Mozilla Firefox', version: '128.0', publisher: 'Mozilla' }, { name: '7-Zip', version: '23.01' }],
    });
    ids.bravo = await makeDevice(t.db, {
      hostname: 'bravo-srv', serial: 'SN-BRAVO-2', model: 'PowerEdge R650', vendor: 'Dell', osFamily: 'linux', osName: 'Debian GNU/Linux 12',
      type: 'server', location: 'DC-1', primaryIp: '198.51.100.20', tags: ['finance'], addresses: [{ ip: '198.51.100.20', mac: 'aa:bb:cc:00:11:22' }],
      software: [{ name: 'OpenSSH Server', version: '9.2p1' }],
    });
    ids.charlie = await makeDevice(t.db, {
      hostname: 'charlie-lap', serial: 'SN-CHARLIE-3', model: 'ThinkPad T14', vendor: 'Lenovo', osFamily: 'windows', osName: 'Windows 10',
      type: 'laptop', location: 'Floor 2', tags: ['floor-2'], lastSeen: old, software: [{ name: 'Mozilla Firefox', version: '115.0', publisher: 'Mozilla' }],
    });
    ids.retired = await makeDevice(t.db, { hostname: 'delta-old', serial: 'SN-DELTA-4', status: 'retired', osFamily: 'windows' });
  });

  afterAll(() => t?.close());

  const list = async (query: string, headers = viewer) => {
    const res = await t.http.get(`/api/devices?${query}`).set(headers);
    expect(res.status).toBe(200);
    return res.body as { items: Array<{ id: number; hostname: string }>; total: number; page: number; limit: number };
  };
  const names = (body: { items: Array<{ hostname: string }> }) => body.items.map((d) => d.hostname).sort();

  it('lists active and stale devices, not retired ones, in the documented page shape', async () => {
    const body = await list('');
    expect(names(body)).toEqual(['alpha-ws', 'bravo-srv', 'charlie-lap']);
    expect(body).toMatchObject({ total: 3, page: 1, limit: 50 });
    const alpha = body.items.find((d) => d.hostname === 'alpha-ws')!;
    expect(alpha).toMatchObject({
      fqdn: 'alpha-ws.corp.example', type: 'workstation', platform: 'windows', vendor: 'Dell', osFamily: 'windows',
      primaryIp: '192.0.2.11', tags: ['finance', 'floor-2'], location: 'Floor 2', status: 'active',
      addresses: [{ ip: '192.0.2.11', mac: '00:1a:2b:3c:4d:01', interfaceName: null }],
    });
  });

  it.each([
    ['hostname', 'alpha', ['alpha-ws']],
    ['FQDN', 'alpha-ws.corp', ['alpha-ws']],
    ['IP address', '198.51.100', ['bravo-srv']],
    ['MAC with colons', 'aa:bb:cc', ['bravo-srv']],
    ['MAC with dashes, upper case', 'AA-BB-CC-00-11-22', ['bravo-srv']],
    ['MAC in Cisco notation', '001a.2b3c.4d01', ['alpha-ws']],
    ['serial', 'SN-CHARLIE', ['charlie-lap']],
    ['model', 'PowerEdge', ['bravo-srv']],
    ['installed software name, any part of it', 'firefox', ['alpha-ws', 'charlie-lap']],
    ['the middle of a hostname does not match (prefixes use the indexes)', 'ws', []],
    ['software name, other case', 'OPENSSH', ['bravo-srv']],
    ['three letters of a software title at least (two, a search box\'s first keystrokes, joined every install there is)', 'fo', []],
    ['three letters of a software title', 'fox', ['alpha-ws', 'charlie-lap']],
    ['LIKE wildcards taken literally', '%', []],
  ])('q matches by %s', async (_what, q, expected) => {
    expect(names(await list(`q=${encodeURIComponent(q)}`))).toEqual(expected);
  });

  it("narrows to one software title exactly by softwareId (a title's \"Show in device list\")", async () => {
    const [{ id }] = await t.db.query("SELECT id FROM software WHERE normalized_name LIKE '%firefox%' ORDER BY id LIMIT 1");
    // the title's own devices, whatever other titles contain its name (before: the link searched the name)
    expect(names(await list(`softwareId=${id}`))).toEqual(['alpha-ws', 'charlie-lap']);
    expect(names(await list(`softwareId=${id}&type=workstation`))).toEqual(['alpha-ws']);
    expect(names(await list('softwareId=987654'))).toEqual([]);
    const bad = await t.http.get('/api/devices?softwareId=abc').set(viewer);
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toContain('softwareId');
  });

  it.each([
    ['type', 'type=server', ['bravo-srv']],
    ['OS family', 'osFamily=windows', ['alpha-ws', 'charlie-lap']],
    ['vendor', 'vendor=Dell', ['alpha-ws', 'bravo-srv']],
    ['tag', 'tag=floor-2', ['alpha-ws', 'charlie-lap']],
    ['OS and tag', 'osFamily=windows&tag=finance', ['alpha-ws']],
    ['location', 'location=DC-1', ['bravo-srv']],
    ['last seen before', `lastSeenBefore=${new Date(Date.now() - 30 * 86_400_000).toISOString()}`, ['charlie-lap']],
    ['last seen after', `lastSeenAfter=${new Date(Date.now() - 86_400_000).toISOString()}`, ['alpha-ws', 'bravo-srv']],
    ['retired status', 'status=retired', ['delta-old']],
    ['all statuses', 'status=all&osFamily=windows', ['alpha-ws', 'charlie-lap', 'delta-old']],
  ])('filters by %s', async (_what, query, expected) => {
    expect(names(await list(query))).toEqual(expected);
  });

  it('sorts by a whitelisted field and pages through the results', async () => {
    const first = await list('sort=-hostname&limit=2');
    expect(first.items.map((d) => d.hostname)).toEqual(['charlie-lap', 'bravo-srv']);
    expect(first.total).toBe(3);
    const second = await list('sort=-hostname&limit=2&page=2');
    expect(second.items.map((d) => d.hostname)).toEqual(['alpha-ws']);
    const beyond = await list('page=9');
    expect(beyond).toMatchObject({ items: [], total: 3, page: 9 });
  });

  it.each([
    ['sort=password', 'sort'],
    ['limit=501', 'limit'],
    ['page=0', 'page'],
    ['type=toaster', 'type'],
    ['lastSeenBefore=yesterday', 'lastSeenBefore'],
    ['bogus=1', 'bogus'],
  ])('rejects %s with a 400 naming the field', async (query, field) => {
    const res = await t.http.get(`/api/devices?${query}`).set(viewer);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('says what a date filter must look like, in words (not "must be a Date instance")', async () => {
    const res = await t.http.get('/api/devices?lastSeenBefore=yesterday').set(viewer).expect(400);
    expect(res.body.details).toEqual([{ field: 'lastSeenBefore', messages: ['lastSeenBefore must be an ISO 8601 date-time, like 2026-11-29T14:30:00Z'] }]);
  });

  // a filter date no stored time can have is a mistake (a typo in the year), not "nothing matches"
  it.each([
    ['lastSeenBefore', '+010000-01-01T00:00:00Z'],
    ['lastSeenAfter', '+010000-01-01T00:00:00Z'],
    ['lastSeenAfter', '1969-12-31T23:59:59Z'],
  ])('refuses %s=%s, a date no device was seen at, with a 400 naming it', async (field, date) => {
    for (const path of ['/api/devices', '/api/devices.csv']) {
      const res = await t.http.get(`${path}?${field}=${encodeURIComponent(date)}`).set(viewer);
      expect([path, res.status, res.body.details]).toEqual([path, 400, [{ field, messages: [`${field} must be a date between 1970-01-01 and 9999-12-31`] }]]);
    }
  });

  it('takes the last storable moment as a filter date', async () => {
    const res = await t.http.get(`/api/devices?lastSeenBefore=${encodeURIComponent('9999-12-31T23:59:59.999Z')}`).set(viewer);
    expect(res.status).toBe(200);
    expect(res.body.total).toBeGreaterThan(0);
  });

  it('shows a device with hardware and interfaces, and 404s an unknown one', async () => {
    await t.db.query(`INSERT INTO hardware_components (device_id, kind, name, capacity_bytes, cores) VALUES (?, 'cpu', 'Intel Core i7-11700', NULL, 8), (?, 'memory', 'DIMM A1', 17179869184, NULL)`, [ids.alpha, ids.alpha]);
    await t.db.query(`INSERT INTO network_interfaces (device_id, name, mac, speed_mbps, oper_status) VALUES (?, 'Ethernet0', '00:1a:2b:3c:4d:01', 1000, 'up')`, [ids.alpha]);
    const res = await t.http.get(`/api/devices/${ids.alpha}`).set(viewer);
    expect(res.status).toBe(200);
    expect(res.body.hardware).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'cpu', name: 'Intel Core i7-11700', cores: 8 }),
      expect.objectContaining({ kind: 'memory', capacityBytes: 17179869184 }),
    ]));
    expect(res.body.interfaces).toEqual([expect.objectContaining({ name: 'Ethernet0', speedMbps: 1000, operStatus: 'up' })]);
    const missing = await t.http.get('/api/devices/999999').set(viewer);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('lists a device\'s installed software and the catalogue with versions and device counts', async () => {
    const sw = await t.http.get(`/api/devices/${ids.alpha}/software?q=fire`).set(viewer);
    expect(sw.status).toBe(200);
    expect(sw.body.items).toEqual([expect.objectContaining({ name: 'Mozilla Firefox', version: '128.0', publisher: 'Mozilla' })]);
    expect(sw.body.total).toBe(1);
    await installSoftware(t.db, ids.retired, 'Mozilla Firefox', '99.0', 'Mozilla');
    const before = await t.http.get('/api/software?q=firefox').set(viewer);
    expect(before.body.items).toEqual([expect.objectContaining({ name: 'Mozilla Firefox', deviceCount: 0, countedAt: null })]);
    // the worker's hourly recount; a retired device's installs do not count
    expect(await t.app.get(SoftwareService).recount()).toBeGreaterThanOrEqual(3);
    const cat = await t.http.get('/api/software?q=firefox').set(viewer);
    expect(cat.body.items).toEqual([expect.objectContaining({ name: 'Mozilla Firefox', deviceCount: 2, versions: ['128.0', '115.0', '99.0'], versionCount: 3 })]);
    expect(cat.body.items[0].countedAt).toBeTruthy();
    const popular = await t.http.get('/api/software?sort=-deviceCount&limit=1').set(viewer);
    expect(popular.body.items[0].name).toBe('Mozilla Firefox');
    const who = await t.http.get(`/api/software/${cat.body.items[0].id}/devices?version=115.0`).set(viewer);
    expect(who.body.items).toEqual([expect.objectContaining({ deviceId: ids.charlie, hostname: 'charlie-lap', version: '115.0' })]);
    // one item per device, its versions newest first; retired devices are left out
    await installSoftware(t.db, ids.alpha, 'Mozilla Firefox', '127.0.1', 'Mozilla');
    const all = await t.http.get(`/api/software/${cat.body.items[0].id}/devices`).set(viewer);
    expect(all.body.total).toBe(2);
    expect(all.body.items).toEqual([
      expect.objectContaining({ hostname: 'alpha-ws', version: '128.0', versions: ['128.0', '127.0.1'] }),
      expect.objectContaining({ hostname: 'charlie-lap', version: '115.0', versions: ['115.0'] }),
    ]);
    const desc = await t.http.get(`/api/software/${cat.body.items[0].id}/devices?sort=-hostname&q=char`).set(viewer);
    expect(desc.body.items.map((d: { hostname: string }) => d.hostname)).toEqual(['charlie-lap']);
  });

  it('lists a title\'s newest 50 versions and says how many there are: 50 and 53 are not both "50+"', async () => {
    for (const [name, n] of [['Fleet Build Agent', 50], ['Nightly Build Agent', 53]] as const) {
      for (let i = 1; i <= n; i++) await installSoftware(t.db, ids.charlie, name, `1.${i}`, 'Contoso');
    }
    const listed = (await t.http.get('/api/software?q=build%20agent&sort=name').set(viewer).expect(200)).body.items;
    expect(listed.map((s: { name: string; versions: string[]; versionCount: number }) => [s.name, s.versions.length, s.versions[0], s.versions.at(-1), s.versionCount])).toEqual([
      ['Fleet Build Agent', 50, '1.50', '1.1', 50],
      ['Nightly Build Agent', 50, '1.53', '1.4', 53],
    ]);
    const title = (await t.http.get(`/api/software/${listed[1].id}`).set(viewer).expect(200)).body;
    expect([title.versions.length, title.versionCount, title.spread.length]).toEqual([50, 53, 53]);
  });

  it("orders a title's versions as releases go: the release above its candidates, an epoch first", async () => {
    for (const v of ['2024.1.0-rc1', '2024.1.0', '2023.12.5', '2024.1.0-beta2', '1:2023.1']) await installSoftware(t.db, ids.bravo, 'Acme Sync', v, 'Acme');
    const [title] = (await t.http.get('/api/software?q=acme%20sync').set(viewer).expect(200)).body.items;
    // before: 2024.1.0-rc1 and -beta2 above 2024.1.0, and 1:2023.1 last
    expect(title.versions).toEqual(['1:2023.1', '2024.1.0', '2024.1.0-rc1', '2024.1.0-beta2', '2023.12.5']);
    const spread = (await t.http.get(`/api/software/${title.id}`).set(viewer).expect(200)).body.spread.map((s: { version: string }) => s.version);
    expect(spread).toEqual(title.versions);
  });

  describe('writes', () => {
    it('a viewer cannot create, edit, retire or import', async () => {
      expect((await t.http.post('/api/devices').set(viewer).send({ hostname: 'viewer-made' })).status).toBe(403);
      expect((await t.http.patch(`/api/devices/${ids.alpha}`).set(viewer).send({ location: 'x' })).status).toBe(403);
      expect((await t.http.delete(`/api/devices/${ids.alpha}`).set(viewer)).status).toBe(403);
      expect((await t.http.post('/api/devices/import').set(viewer).set('Content-Type', 'text/csv').send('hostname\nviewer-made\n')).status).toBe(403);
      expect((await list('q=viewer-made')).total).toBe(0);
    });

    it('a technician creates a device by hand; it is found and carries a manual source', async () => {
      const res = await t.http.post('/api/devices').set(tech).send({
        hostname: 'echo-printer', type: 'printer', platform: 'printer', vendor: 'HP', tags: ['floor-3'],
        addresses: [{ ip: '192.0.2.50', mac: '00-11-22-33-44-55' }],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ hostname: 'echo-printer', primaryIp: '192.0.2.50', addresses: [{ ip: '192.0.2.50', mac: '00:11:22:33:44:55' }], tags: ['floor-3'] });
      expect(res.body.sources).toEqual([expect.objectContaining({ kind: 'manual' })]);
      ids.echo = res.body.id;
      expect(names(await list('q=00:11:22:33'))).toEqual(['echo-printer']);
    });

    it('rejects a device without any identifier, bad addresses and control characters, naming the fields', async () => {
      const empty = await t.http.post('/api/devices').set(tech).send({ location: 'nowhere' });
      expect(empty.status).toBe(400);
      const bad = await t.http.post('/api/devices').set(tech).send({ hostname: 'a\u0007b', primaryIp: '999.1.1.1', addresses: [{ mac: 'zz' }], tags: ['<script>'] });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['addresses.0.mac', 'hostname', 'primaryIp', 'tags']);
    });

    it('refuses C1 controls and text-direction overrides, which make a name show as something else, naming the fields', async () => {
      const bad = await t.http.post('/api/devices').set(tech).send({ hostname: 'Invoice\u202Eexe.pdf', model: 'x\u009b2Jy', location: 'ok' });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['hostname', 'model']);
      // right-to-left text itself is a name like any other
      const rtl = await t.http.post('/api/devices').set(tech).send({ hostname: 'خادم-01' });
      expect(rtl.status).toBe(201);
    });

    it('refuses an IPv6 zone id (it names an interface of the host that wrote it, and overflowed the stored address) with 400 naming the field', async () => {
      const zoned = `fe80::1%${'a'.repeat(60)}`;
      const created = await t.http.post('/api/devices').set(tech).send({ hostname: 'zone-a', primaryIp: zoned, addresses: [{ ip: zoned }, { ip: 'fe80::1%eth0' }] });
      expect(created.status).toBe(400);
      expect(created.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['addresses.0.ip', 'addresses.1.ip', 'primaryIp']);
      expect(created.body.details[0].messages[0]).toMatch(/without a zone/);
      const patched = await t.http.patch(`/api/devices/${ids.bravo}`).set(tech).send({ primaryIp: zoned });
      expect(patched.status).toBe(400);
      expect(patched.body.details.map((d: { field: string }) => d.field)).toEqual(['primaryIp']);
      // the longest address without a zone (IPv4-mapped, written out) is 45 characters and fits
      const longest = '0000:0000:0000:0000:0000:ffff:255.255.255.255';
      const ok = await t.http.post('/api/devices').set(tech).send({ hostname: 'zone-b', primaryIp: longest });
      expect(ok.status).toBe(201);
      expect(ok.body.primaryIp).toBe(longest);
      expect(names(await list('q=zone-'))).toEqual(['zone-b']);
    });

    it('keeps one of two tags that differ only in case (the database compares tags so), spelled as first given', async () => {
      const created = await t.http.post('/api/devices').set(tech).send({ hostname: 'case-tags', tags: ['floor', 'FLOOR', 'lab', 'LAB '] });
      expect(created.status).toBe(201);
      expect(created.body.tags).toEqual(['floor', 'lab']);
      const patched = await t.http.patch(`/api/devices/${created.body.id}`).set(tech).send({ tags: ['Lab', 'lab', 'dmz'] });
      expect(patched.status).toBe(200);
      expect(patched.body.tags).toEqual(['dmz', 'Lab']);
    });

    it('records each change in the device history with who made it', async () => {
      const res = await t.http.patch(`/api/devices/${ids.bravo}`).set(tech).send({ location: 'DC-2', osVersion: '12.5', tags: ['finance', 'dmz'], notes: 'moved <b>rack</b>' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ location: 'DC-2', osVersion: '12.5', tags: ['dmz', 'finance'], notes: 'moved <b>rack</b>' });
      const h = await t.http.get(`/api/devices/${ids.bravo}/history`).set(viewer);
      const items = h.body.items as Array<{ kind: string; action: string; subject: string; before?: string; after?: string; actor: string }>;
      expect(items).toEqual(expect.arrayContaining([
        expect.objectContaining({ kind: 'field', action: 'changed', subject: 'location', before: 'DC-1', after: 'DC-2', actor: 'technician2' }),
        expect.objectContaining({ kind: 'os', action: 'added', subject: 'osVersion', after: '12.5' }),
        expect.objectContaining({ kind: 'field', action: 'added', subject: 'tag dmz', after: 'dmz' }),
      ]));
      // the same PATCH again changes nothing and adds no history
      await t.http.patch(`/api/devices/${ids.bravo}`).set(tech).send({ location: 'DC-2' });
      const again = await t.http.get(`/api/devices/${ids.bravo}/history`).set(viewer);
      expect(again.body.total).toBe(h.body.total);
    });

    it('DELETE retires: hidden from the default list, still readable with its history', async () => {
      expect((await t.http.delete(`/api/devices/${ids.echo}`).set(tech)).status).toBe(204);
      expect(names(await list('q=echo'))).toEqual([]);
      const d = await t.http.get(`/api/devices/${ids.echo}`).set(viewer);
      expect(d.body).toMatchObject({ status: 'retired' });
      expect(d.body.retiredAt).toBeTruthy();
      const h = await t.http.get(`/api/devices/${ids.echo}/history`).set(viewer);
      expect(h.body.items[0]).toMatchObject({ subject: 'status', before: 'active', after: 'retired' });
    });

    it('writes an audit row for each device write', async () => {
      const res = await t.http.get('/api/audit?objectType=device').set(admin);
      const actions = res.body.items.map((a: { action: string }) => a.action);
      expect(actions).toEqual(expect.arrayContaining(['device.create', 'device.update', 'device.retire']));
      const update = res.body.items.find((a: { action: string }) => a.action === 'device.update');
      expect(update).toMatchObject({ username: 'technician2', objectId: String(ids.bravo), statusCode: 200 });
      expect(JSON.parse(update.summary)).toMatchObject({ location: 'DC-2' });
    });

    it("a technician's change of the primary address is address history, as a scan's is: kind=address shows it", async () => {
      const made = await t.http.post('/api/devices').set(tech).send({ hostname: 'address-moves', primaryIp: '198.51.100.76' });
      const res = await t.http.patch(`/api/devices/${made.body.id}`).set(tech).send({ primaryIp: '198.51.100.77' });
      expect(res.status).toBe(200);
      const h = (await t.http.get(`/api/devices/${made.body.id}/history?kind=address`).set(viewer).expect(200)).body.items;
      expect(h[0]).toMatchObject({ kind: 'address', subject: 'primaryIp', after: '198.51.100.77', actor: 'technician2' });
    });

    it('stores a new interface name for the same address, as an address change in the history (it was a 200 that changed nothing)', async () => {
      const made = await t.http.post('/api/devices').set(tech).send({ hostname: 'iface-moves', addresses: [{ ip: '192.0.2.10', interfaceName: 'eth0' }] });
      expect(made.status).toBe(201);
      const res = await t.http.patch(`/api/devices/${made.body.id}`).set(tech).send({ addresses: [{ ip: '192.0.2.10', interfaceName: 'eth1' }] });
      expect([res.status, res.body.addresses]).toEqual([200, [{ ip: '192.0.2.10', mac: null, interfaceName: 'eth1' }]]);
      const h = (await t.http.get(`/api/devices/${made.body.id}/history?kind=address`).set(viewer).expect(200)).body.items;
      expect(h).toEqual([expect.objectContaining({ kind: 'address', action: 'changed', subject: '192.0.2.10', before: 'eth0', after: 'eth1', actor: 'technician2' })]);
      // the same again changes nothing
      await t.http.patch(`/api/devices/${made.body.id}`).set(tech).send({ addresses: [{ ip: '192.0.2.10', interfaceName: 'eth1' }] }).expect(200);
      expect((await t.http.get(`/api/devices/${made.body.id}/history?kind=address`).set(viewer)).body.total).toBe(1);
    });

    it('adds and removes tags by addTags and removeTags, keeping a tag added meanwhile (the whole list would have taken it off)', async () => {
      const made = await t.http.post('/api/devices').set(tech).send({ hostname: 'tag-changes', tags: ['bench', 'rack-1'] });
      // someone else's tag, added after the edit form read the device
      await t.http.patch('/api/devices').set(admin).send({ ids: [made.body.id], addTags: ['needs-upgrade'] }).expect(200);
      const res = await t.http.patch(`/api/devices/${made.body.id}`).set(tech).send({ addTags: ['rack-2', 'BENCH'], removeTags: ['rack-1'] });
      expect([res.status, res.body.tags]).toEqual([200, ['bench', 'needs-upgrade', 'rack-2']]);
      const h = (await t.http.get(`/api/devices/${made.body.id}/history?kind=field&q=tag`).set(viewer)).body.items;
      expect(h.filter((e: { actor: string }) => e.actor === 'technician2').map((e: { action: string; subject: string }) => `${e.action} ${e.subject}`).sort())
        .toEqual(['added tag rack-2', 'removed tag rack-1']);
      const both = await t.http.patch(`/api/devices/${made.body.id}`).set(tech).send({ tags: ['x'], addTags: ['y'], removeTags: ['Y'] });
      expect([both.status, both.body.details.map((d: { field: string }) => d.field)]).toEqual([400, ['tags', 'removeTags']]);
      expect((await t.http.get(`/api/devices/${made.body.id}`).set(viewer)).body.tags).toEqual(['bench', 'needs-upgrade', 'rack-2']);
    });
  });

  it('marks devices unseen for TEKNISI_STALE_DAYS stale', async () => {
    const marked = await t.app.get(DevicesService).markStale();
    expect(marked).toBe(1);
    const body = await list('status=stale');
    expect(names(body)).toEqual(['charlie-lap']);
    // its history says so (before: it only ever showed coming back, "stale → active")
    const history = (await t.http.get(`/api/devices/${ids.charlie}/history?kind=field`).set(viewer).expect(200)).body.items;
    expect(history[0]).toMatchObject({ kind: 'field', action: 'changed', subject: 'status', before: 'active', after: 'stale' });
    expect(await t.app.get(DevicesService).markStale()).toBe(0);
  });

  describe('CSV', () => {
    it('exports the filtered list with formula cells neutralized', async () => {
      await t.http.patch(`/api/devices/${ids.alpha}`).set(tech).send({ assignedTo: '=HYPERLINK("http://x")', notes: '@SUM(1)' });
      const res = await t.http.get('/api/devices.csv?tag=floor-2&sort=hostname').set(viewer);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="devices-/);
      const lines = res.text.trim().split('\n');
      expect(lines[0]).toBe('id,hostname,fqdn,type,platform,vendor,model,serial,osFamily,osName,osVersion,primaryIp,macs,tags,location,assignedTo,status,firstSeen,lastSeen,notes');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain(`${ids.alpha},alpha-ws,`);
      expect(lines[1]).toContain(`"'=HYPERLINK(""http://x"")"`);
      expect(lines[1]).toContain(`'@SUM(1)`);
      expect(lines[1]).toContain('finance;floor-2');
    });

    it('cuts a download that fails part-way, so that no file with rows missing looks complete', async () => {
      const repo = t.app.get(DevicesRepository);
      const original = repo.streamExport.bind(repo);
      // the database gone after a few thousand rows: the first chunks are already sent
      const spy = jest.spyOn(repo, 'streamExport').mockImplementation(async function* (...args: Parameters<typeof original>) {
        for await (const row of original(...args)) {
          for (let i = 0; i < 3000; i++) yield row;
          throw Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' });
        }
      });
      try {
        // before: 200, and a body that ended like a whole file
        await expect(t.http.get('/api/devices.csv').set(viewer).buffer(true)).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
      } finally {
        spy.mockRestore();
      }
      // the next download is whole
      expect((await t.http.get('/api/devices.csv').set(viewer)).status).toBe(200);
    });

    it('a bad sort on export is a JSON 400, not a half-written file', async () => {
      const res = await t.http.get('/api/devices.csv?sort=nope').set(viewer);
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe('sort');
    });

    it('imports good rows, reports bad ones by line and field, and round-trips an export', async () => {
      const csv = [
        'hostname,serial,type,osFamily,tags,macs,primaryIp',
        'foxtrot-pc,SN-FOX-1,workstation,windows,lab;floor-4,00:aa:bb:cc:dd:01,192.0.2.70',
        'golf-pc,SN-GOLF-1,toaster,linux,,,',
        'hotel-pc,,workstation,linux,,not-a-mac,300.1.1.1',
        ',SN-ALPHA-1,,,,,',
        `'=cmd|' /C calc'!A0,SN-INJ-1,workstation,,,,`,
      ].join('\n');
      const res = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send(csv);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ created: 2, updated: 1, failed: 2 });
      const byLine = Object.fromEntries(res.body.rows.map((r: { line: number }) => [r.line, r]));
      expect(byLine[2]).toMatchObject({ status: 'created' });
      expect(byLine[3]).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ field: 'type' })] });
      expect(byLine[4].errors.map((e: { field: string }) => e.field).sort()).toEqual(['macs', 'primaryIp']);
      expect(byLine[5]).toMatchObject({ status: 'updated', id: ids.alpha });
      // a formula is stored as inert text and leaves again neutralized
      expect(byLine[6]).toMatchObject({ status: 'created' });
      const inj = await t.http.get('/api/devices.csv?q=SN-INJ-1').set(viewer);
      expect(inj.text.split('\n')[1]).toContain(`,'=cmd|' /C calc'!A0,`);
      const fox = await list('q=foxtrot');
      expect(fox.items[0]).toMatchObject({ serial: 'SN-FOX-1', osFamily: 'windows', tags: ['floor-4', 'lab'], primaryIp: '192.0.2.70' });
      expect(names(await list('q=golf'))).toEqual([]);

      // export then re-import the same file: every row updates in place, nothing is created or lost
      const exported = await t.http.get('/api/devices.csv?q=alpha').set(viewer);
      const again = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send(exported.text);
      expect(again.body).toMatchObject({ created: 0, updated: 1, failed: 0 });
      const alpha = await t.http.get(`/api/devices/${ids.alpha}`).set(viewer);
      expect(alpha.body).toMatchObject({ assignedTo: '=HYPERLINK("http://x")', notes: '@SUM(1)', tags: ['finance', 'floor-2'] });
      expect(alpha.body.addresses).toEqual([expect.objectContaining({ ip: '192.0.2.11', mac: '00:1a:2b:3c:4d:01' })]);
    });

    it('imports a row whose tags differ only in case as one tag, and reports a zoned address on its line; the rows after it still land', async () => {
      const csv = ['hostname,tags,primaryIp', 'india-pc,a;A;b,', `juliet-pc,,fe80::1%${'a'.repeat(60)}`, 'kilo-pc,B;b,'].join('\n');
      const res = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send(csv);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ created: 2, updated: 0, failed: 1 });
      expect(res.body.rows[1]).toMatchObject({ line: 3, status: 'failed', errors: [expect.objectContaining({ field: 'primaryIp' })] });
      expect((await list('q=india-pc')).items[0]).toMatchObject({ tags: ['a', 'b'] });
      expect((await list('q=kilo-pc')).items[0]).toMatchObject({ tags: ['B'] });
    });

    it('reports a row on the line it starts on, past multi-line notes and blank lines, in a file with Windows line endings', async () => {
      const csv = ['hostname,notes,type', 'sierra-pc,"first line', 'second line",workstation', '', 'papa-pc,,toaster', '', '', 'quebec-pc,"a', 'b', 'c",fridge'].join('\r\n');
      const res = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send(csv);
      expect(res.body).toMatchObject({ created: 1, failed: 2 });
      expect(res.body.rows.map((r: { line: number; status: string }) => [r.line, r.status])).toEqual([[2, 'created'], [5, 'failed'], [8, 'failed']]);
      expect((await t.http.get(`/api/devices/${res.body.rows[0].id}`).set(viewer)).body.notes).toBe('first line\nsecond line');
    });

    it("a row of a file exported before a merge updates the survivor: by the merged device's id, or by its serial", async () => {
      const made = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send('hostname,serial\nromeo-pc,SN-ROMEO-1\nromeo-old,SN-ROMEO-OLD\n');
      const [survivor, merged] = made.body.rows.map((r: { id: number }) => r.id);
      expect((await t.http.post(`/api/devices/${survivor}/merge`).set(tech).send({ otherId: merged })).status).toBe(200);
      const res = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send(`id,location\n${merged},Room 9\n`);
      expect(res.body.rows[0]).toMatchObject({ status: 'updated', id: survivor });
      const bySerial = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send('serial,assignedTo\nSN-ROMEO-OLD,sam\n');
      // before: a new device carrying the merged one's serial, the duplicate the merge had removed
      expect(bySerial.body).toMatchObject({ created: 0, updated: 1 });
      expect((await t.http.get(`/api/devices/${survivor}`).set(viewer)).body).toMatchObject({ location: 'Room 9', assignedTo: 'sam' });
    });

    it('applies the status column: an exported row set to retired retires its device, a new row retired is created retired', async () => {
      const made = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send('hostname,serial\nlima-pc,SN-LIMA-1\n');
      const id = made.body.rows[0].id as number;
      const exported = (await t.http.get('/api/devices.csv?q=SN-LIMA-1').set(viewer)).text;
      const edited = exported.replace(/,active,/, ',retired,');
      expect(edited).not.toBe(exported);
      // before: "updated: 1", and the device stayed active
      const res = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send(edited);
      expect(res.body).toMatchObject({ updated: 1, failed: 0 });
      expect((await t.http.get(`/api/devices/${id}`).set(viewer)).body.status).toBe('retired');
      const created = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send('hostname,serial,status\nmike-pc,SN-MIKE-1,retired\nnovember-pc,SN-NOV-1,broken\n');
      expect(created.body).toMatchObject({ created: 1, failed: 1 });
      expect((await t.http.get(`/api/devices/${created.body.rows[0].id}`).set(viewer)).body.status).toBe('retired');
      expect(created.body.rows[1]).toMatchObject({ line: 3, status: 'failed', errors: [expect.objectContaining({ field: 'status' })] });
    });

    it('reports a row the database could not store (a deadlock with an ingest) and goes on, where the import was a 500 with no report', async () => {
      const service = t.app.get(DevicesService);
      const spy = jest.spyOn(service, 'createIn').mockRejectedValueOnce(new Error('Deadlock found when trying to get lock; try restarting transaction'));
      try {
        const res = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send('hostname,serial\npapa-pc,SN-PAPA-1\nquebec-pc,SN-QUEBEC-1\n');
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ created: 1, failed: 1 });
        expect(res.body.rows[0]).toEqual({ line: 2, status: 'failed', errors: [{ field: 'row', messages: ['the server could not store this row (its log says why); import it again'] }] });
        expect(res.body.rows[1]).toMatchObject({ line: 3, status: 'created' });
      } finally {
        spy.mockRestore();
      }
    });

    it('refuses a CSV that is not UTF-8 (Excel\'s Windows-1252 "CSV"), naming the line, rather than store "B\uFFFDro"', async () => {
      const cp1252 = Buffer.concat([Buffer.from('hostname,location\noscar-pc,B'), Buffer.from([0xfc]), Buffer.from('ro 4\n')]);
      const res = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send(cp1252);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('The CSV is not UTF-8 (line 2 holds bytes that are not): save it as "CSV UTF-8" and import it again');
      expect(await list('q=oscar-pc')).toMatchObject({ items: [] });
    });

    it('refuses an unreadable CSV or unknown columns as a whole', async () => {
      const unknown = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send('hostname,password\nx,y\n');
      expect(unknown.status).toBe(400);
      expect(unknown.body.details).toEqual([{ field: 'password', messages: ['unknown column'] }]);
      const ragged = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send('hostname,serial\n"unterminated,x\n');
      expect(ragged.status).toBe(400);
      const json = await t.http.post('/api/devices/import').set(tech).send({ hostname: 'x' });
      expect(json.status).toBe(400);
    });
  });

  // last: the devices it adds would be in every list above
  it('sorts addresses by value, as a technician reads them: .9 before .10 before .100, IPv4 before IPv6', async () => {
    for (const [hostname, primaryIp] of [['ip-100', '203.0.113.100'], ['ip-v6', '2001:db8::5'], ['ip-9', '203.0.113.9'], ['ip-10', '203.0.113.10'], ['ip-2nd-net', '198.51.100.1']]) {
      await makeDevice(t.db, { hostname, primaryIp, tags: ['ip-order'] });
    }
    const order = async (sort: string) => (await list(`tag=ip-order&sort=${sort}`)).items.map((d) => d.hostname);
    expect(await order('primaryIp')).toEqual(['ip-2nd-net', 'ip-9', 'ip-10', 'ip-100', 'ip-v6']);
    expect(await order('-primaryIp')).toEqual(['ip-v6', 'ip-100', 'ip-10', 'ip-9', 'ip-2nd-net']);
    const csv = await t.http.get('/api/devices.csv?tag=ip-order&sort=primaryIp').set(viewer);
    expect(csv.text.split('\n').slice(1, 6).map((line) => line.split(',')[1])).toEqual(['ip-2nd-net', 'ip-9', 'ip-10', 'ip-100', 'ip-v6']);
  });
});

