// Pinned SSH host keys: trust on first use (once, even when workers race), a changed key refused
// and shown beside the pinned one, and the API that lists keys and, audited, accepts exactly the
// changed key a technician compared or forgets one; and the keys a job trusts at a device's
// other addresses (only the device's own, never a first use).
import { HostKeysRepository } from '../src/discovery/host-keys.repository';
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

const FP = {
  a: 'SHA256:Wq3rY1mE4mQ0sJ3b7kQ5m1vX2nH8cA9dF0gH1jK2lM3',
  b: 'SHA256:Bx7pT0sU2vW4yZ6aC8eG0iK2mO4qS6uW8yA0cE2gI4k',
  c: 'SHA256:Cc1dE2fG3hI4jK5lM6nO7pQ8rS9tU0vW1xY2zA3bC4d',
  d: 'SHA256:Dd4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5aB6cD7e',
};

describe('SSH host keys', () => {
  let t: TestApp;
  let repo: HostKeysRepository;
  let viewer: string;
  let tech: string;
  const verify = (host: string, port: number, fp: string) => repo.verifier().verify(host, port, 'ssh-ed25519', fp);
  const list = (query = '', token = viewer) => t.http.get(`/api/discovery/host-keys${query}`).set(bearer(token));

  beforeAll(async () => {
    t = await createTestApp();
    repo = t.app.get(HostKeysRepository);
    viewer = await t.tokenFor('viewer');
    tech = await t.tokenFor('technician');
  });
  afterAll(() => t?.close());

  it('pins the first key a host offers and accepts it again', async () => {
    expect(await verify('192.0.2.1', 22, FP.a)).toEqual({ ok: true });
    expect(await verify('192.0.2.1', 22, FP.a)).toEqual({ ok: true });
    const res = await list('?q=192.0.2.1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, page: 1, limit: 50 });
    expect(res.body.items[0]).toMatchObject({ host: '192.0.2.1', port: 22, keyType: 'ssh-ed25519', fingerprint: FP.a, deviceId: null, deviceName: null, rejectedFingerprint: null });
    expect(Date.parse(res.body.items[0].lastSeen)).toBeGreaterThanOrEqual(Date.parse(res.body.items[0].firstSeen));
    // the type a client then asks the host for first; none for a host not met yet, or another port
    expect(await repo.verifier().pinnedKeyType!('192.0.2.1', 22)).toBe('ssh-ed25519');
    expect(await repo.verifier().pinnedKeyType!('192.0.2.1', 2222)).toBeNull();
  });

  it('refuses a different key, naming both fingerprints and how to accept the new one, and shows it beside the pinned one', async () => {
    await verify('192.0.2.2', 2222, FP.a);
    const verdict = await verify('192.0.2.2', 2222, FP.b);
    expect(verdict).toEqual({
      ok: false,
      message: `host key for 192.0.2.2:2222 changed: pinned ${FP.a}, offered ${FP.b}; if the machine was reinstalled, ` +
        'compare the offered key with the one its console shows (ssh-keygen -l) and accept it ' +
        '(POST /api/discovery/host-keys/192.0.2.2/2222/accept with the offered fingerprint)',
    });
    // the pinned key still works; the refused one stays refused
    expect(await verify('192.0.2.2', 2222, FP.a)).toEqual({ ok: true });
    expect((await verify('192.0.2.2', 2222, FP.b)).ok).toBe(false);
    const res = await list('?rejected=true');
    expect(res.body.items).toEqual([expect.objectContaining({ host: '192.0.2.2', port: 2222, fingerprint: FP.a, rejectedFingerprint: FP.b, rejectedAt: expect.any(String) })]);
    expect((await list('?rejected=false')).body.items.map((k: { host: string }) => k.host)).not.toContain('192.0.2.2');
  });

  it('keeps keys per port and host names case-insensitively', async () => {
    expect(await verify('Files.Example.TEST', 22, FP.a)).toEqual({ ok: true });
    expect(await verify('files.example.test', 22, FP.a)).toEqual({ ok: true });
    expect(await verify('files.example.test', 2022, FP.b)).toEqual({ ok: true });
    expect((await verify('FILES.example.test', 22, FP.b)).ok).toBe(false);
    expect((await list('?q=files.')).body.items.map((k: { port: number }) => k.port)).toEqual([22, 2022]);
  });

  it('pins exactly one key when many workers meet a new host at once', async () => {
    const same = await Promise.all(Array.from({ length: 12 }, () => verify('192.0.2.3', 22, FP.c)));
    expect(same.every((v) => v.ok)).toBe(true);
    // two different keys racing (an attacker and the real host): one is pinned, the other refused
    const raced = await Promise.all([FP.a, FP.b, FP.a, FP.b, FP.a, FP.b].map((fp) => verify('192.0.2.4', 22, fp)));
    const pinned = (await list('?q=192.0.2.4')).body.items[0].fingerprint;
    expect(raced.filter((v, i) => v.ok !== ([FP.a, FP.b, FP.a, FP.b, FP.a, FP.b][i] === pinned))).toEqual([]);
    expect((await list('?q=192.0.2.')).body.items.filter((k: { host: string }) => k.host === '192.0.2.3')).toHaveLength(1);
  });

  it('remembers which device a host key belongs to', async () => {
    const device = await t.http.post('/api/devices').set(bearer(tech)).send({ hostname: 'keyed-host' });
    await verify('192.0.2.5', 22, FP.a);
    await repo.linkDevice('192.0.2.5', 22, device.body.id);
    // by its name too, as it is now: a list of "Device 412" does not say which machine changed its key
    expect((await list('?q=192.0.2.5')).body.items[0]).toMatchObject({ deviceId: device.body.id, deviceName: 'keyed-host' });
    await t.http.patch(`/api/devices/${device.body.id}`).set(bearer(tech)).send({ hostname: 'keyed-host-renamed' }).expect(200);
    expect((await list('?q=192.0.2.5')).body.items[0].deviceName).toBe('keyed-host-renamed');
  });

  it('lets a technician forget a pinned key, audited, after which the next key is pinned', async () => {
    await verify('192.0.2.6', 22, FP.a);
    await verify('192.0.2.6', 22, FP.b);
    expect((await t.http.delete('/api/discovery/host-keys/192.0.2.6/22').set(bearer(viewer))).status).toBe(403);
    const res = await t.http.delete('/api/discovery/host-keys/192.0.2.6/22').set(bearer(tech));
    expect(res.status).toBe(204);
    expect(await verify('192.0.2.6', 22, FP.b)).toEqual({ ok: true });
    expect((await list('?q=192.0.2.6')).body.items[0]).toMatchObject({ fingerprint: FP.b, rejectedFingerprint: null });

    const audit = await t.http.get('/api/audit?action=ssh-host-key.forget').set(bearer(t.adminToken));
    // the viewer's attempt above is there too, refused
    expect(audit.body.items).toEqual([
      expect.objectContaining({ objectType: 'ssh-host-key', objectId: '192.0.2.6:22', statusCode: 204 }),
      expect.objectContaining({ objectType: 'ssh-host-key', objectId: '192.0.2.6:22', statusCode: 403 }),
    ]);
    expect(JSON.parse(audit.body.items[0].summary)).toEqual({ fingerprint: FP.a, rejectedFingerprint: FP.b });
  });

  describe('accepting the changed key a technician compared', () => {
    const accept = (host: string, port: number, body: object, token = tech) => t.http.post(`/api/discovery/host-keys/${host}/${port}/accept`).set(bearer(token)).send(body);

    it('pins exactly the refused key, audited, so that the old key is refused from then on and no other key is pinned by the next contact', async () => {
      await verify('192.0.2.20', 22, FP.a);
      await verify('192.0.2.20', 22, FP.b);
      expect((await accept('192.0.2.20', 22, { fingerprint: FP.b }, viewer)).status).toBe(403);
      const res = await accept('192.0.2.20', 22, { fingerprint: FP.b });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ host: '192.0.2.20', port: 22, fingerprint: FP.b, rejectedFingerprint: null, rejectedAt: null, deviceName: null });
      expect(await verify('192.0.2.20', 22, FP.b)).toEqual({ ok: true });
      // unlike forgetting, which let the next contact pin whatever it was offered
      expect((await verify('192.0.2.20', 22, FP.c)).ok).toBe(false);
      expect((await verify('192.0.2.20', 22, FP.a)).ok).toBe(false);

      const audit = await t.http.get('/api/audit?action=ssh-host-key.accept').set(bearer(t.adminToken));
      expect(audit.body.items).toEqual([
        expect.objectContaining({ objectType: 'ssh-host-key', objectId: '192.0.2.20:22', statusCode: 200 }),
        expect.objectContaining({ objectType: 'ssh-host-key', objectId: '192.0.2.20:22', statusCode: 403 }),
      ]);
      expect(JSON.parse(audit.body.items[0].summary)).toEqual({ previousFingerprint: FP.a, fingerprint: FP.b });
    });

    it('refuses a fingerprint other than the refused one with a 409 naming the field, and changes nothing', async () => {
      await verify('192.0.2.21', 22, FP.a);
      await verify('192.0.2.21', 22, FP.b);
      const res = await accept('192.0.2.21', 22, { fingerprint: FP.c });
      expect(res.status).toBe(409);
      expect(res.body.details).toEqual([{ field: 'fingerprint', messages: [`is not the key 192.0.2.21:22 offered last (${FP.b}): compare that one with the machine's own before accepting it`] }]);
      // base64 tells upper from lower case: the key compared is not the same key
      expect((await accept('192.0.2.21', 22, { fingerprint: FP.b.replace('Bx7p', 'bx7p') })).status).toBe(409);
      expect((await list('?q=192.0.2.21')).body.items[0]).toMatchObject({ fingerprint: FP.a, rejectedFingerprint: FP.b });
    });

    it('answers 409 when the host offered no other key, or another one since the technician compared it', async () => {
      await verify('192.0.2.22', 22, FP.a);
      const nothing = await accept('192.0.2.22', 22, { fingerprint: FP.a });
      expect([nothing.status, nothing.body.message]).toEqual([409, '192.0.2.22:22 has offered no key other than the pinned one: there is nothing to accept']);
      await verify('192.0.2.22', 22, FP.b);
      // the technician compares FP.b; meanwhile the host (or someone in between) offers FP.c
      await verify('192.0.2.22', 22, FP.c);
      const since = await accept('192.0.2.22', 22, { fingerprint: FP.b });
      expect(since.status).toBe(409);
      expect(since.body.message).toContain(`offered last (${FP.c})`);
      expect((await list('?q=192.0.2.22')).body.items[0]).toMatchObject({ fingerprint: FP.a, rejectedFingerprint: FP.c });
    });

    it('lets one of two technicians accepting at once win; the other is told there is nothing left to accept', async () => {
      await verify('192.0.2.23', 22, FP.a);
      await verify('192.0.2.23', 22, FP.b);
      const both = await Promise.all([accept('192.0.2.23', 22, { fingerprint: FP.b }), accept('192.0.2.23', 22, { fingerprint: FP.b })]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await list('?q=192.0.2.23')).body.items[0]).toMatchObject({ fingerprint: FP.b, rejectedFingerprint: null });
      expect((await t.http.get('/api/audit?action=ssh-host-key.accept').set(bearer(t.adminToken))).body.items.filter((e: { objectId: string }) => e.objectId === '192.0.2.23:22')).toHaveLength(1);
    });

    it('unlinks the accepted key from the old device until a scan names the machine, and takes the type of the key when the host next shows it', async () => {
      const device = await makeDevice(t.db, { hostname: 'accepting-host' });
      await repo.verifier().verify('192.0.2.24', 22, 'ssh-rsa', FP.a);
      await repo.linkDevice('192.0.2.24', 22, device);
      await repo.verifier().verify('192.0.2.24', 22, 'ssh-ed25519', FP.b);
      // a new machine at the address, or the old one reinstalled: no device's until a scan says which,
      // so that the old device's jobs (its credential, its sudo password) do not go to a new machine
      expect((await accept('192.0.2.24', 22, { fingerprint: FP.b })).body).toMatchObject({ deviceId: null, deviceName: null, fingerprint: FP.b });
      expect((await repo.deviceVerifier(device).verify('192.0.2.24', 22, 'ssh-ed25519', FP.b)).ok).toBe(false);
      expect(await repo.verifier().verify('192.0.2.24', 22, 'ssh-ed25519', FP.b)).toEqual({ ok: true });
      await repo.linkDevice('192.0.2.24', 22, device);
      expect((await list('?q=192.0.2.24')).body.items[0]).toMatchObject({ deviceId: device, deviceName: 'accepting-host' });
      expect((await list('?q=192.0.2.24')).body.items[0].keyType).toBe('ssh-ed25519');
    });

    it.each([
      [{}, 'fingerprint must be a SHA256 fingerprint as ssh-keygen -l prints it (SHA256: and 43 base64 characters)'],
      [{ fingerprint: 42 }, 'fingerprint must be a string'],
      [{ fingerprint: 'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48' }, 'fingerprint must be a SHA256 fingerprint as ssh-keygen -l prints it (SHA256: and 43 base64 characters)'],
      [{ fingerprint: `${FP.b} ` }, 'fingerprint must be a SHA256 fingerprint as ssh-keygen -l prints it (SHA256: and 43 base64 characters)'],
    ])('answers %j with a 400 naming the field', async (body, message) => {
      const res = await accept('192.0.2.21', 22, body);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'fingerprint', messages: expect.arrayContaining([message]) })]);
    });

    it('answers 404 for a key that is not pinned, and 400 for a bad port or a field it does not take', async () => {
      const missing = await accept('192.0.2.99', 22, { fingerprint: FP.a });
      expect([missing.status, missing.body.message]).toEqual([404, 'no host key is pinned for 192.0.2.99:22']);
      expect((await accept('192.0.2.21', 0, { fingerprint: FP.b })).body.details).toEqual([{ field: 'port', messages: ['must be an integer from 1 to 65535'] }]);
      const extra = await accept('192.0.2.21', 22, { fingerprint: FP.b, keyType: 'ssh-ed25519' });
      expect([extra.status, extra.body.details?.[0]?.field]).toEqual([400, 'keyType']);
    });
  });

  describe('the keys a job trusts at a device\'s addresses', () => {
    const check = (deviceId: number, host: string, fp: string, keyType = 'ssh-ed25519') => {
      const v = repo.deviceVerifier(deviceId);
      return v.verify(host, 22, keyType, fp).then(async (verdict) => ({ verdict, pin: () => v.pinAccepted() }));
    };
    let device: number;

    beforeAll(async () => {
      // as a scan pinned the device's key where it answered then
      device = await makeDevice(t.db, { hostname: 'moving-host' });
      await repo.verifier().verify('192.0.2.30', 22, 'ssh-ed25519', FP.a);
      await repo.linkDevice('192.0.2.30', 22, device);
    });

    it('trusts the device\'s own key at an address new to it, and pins it there for the device once the session is up', async () => {
      const { verdict, pin } = await check(device, '192.0.2.31', FP.a);
      expect(verdict).toEqual({ ok: true });
      expect((await list('?q=192.0.2.31')).body.total).toBe(0);
      await pin();
      expect((await list('?q=192.0.2.31')).body.items).toEqual([expect.objectContaining({ fingerprint: FP.a, deviceId: device, deviceName: 'moving-host', rejectedFingerprint: null })]);
      // the key type the device answered with last, asked for first at an address without a pin
      expect(await repo.deviceVerifier(device).pinnedKeyType!('192.0.2.39', 22)).toBe('ssh-ed25519');
    });

    it('never trusts a key on first use: another key at a new address is refused and pins nothing', async () => {
      const { verdict, pin } = await check(device, '192.0.2.32', FP.b);
      expect(verdict).toEqual({ ok: false, message: expect.stringMatching(/^192\.0\.2\.32:22 offered host key \S+, which is not pinned for this device \(that address is new to it\)/) });
      await pin();
      expect((await list('?q=192.0.2.32')).body.total).toBe(0);
      // nor a key pinned for another device, there or elsewhere
      const other = await makeDevice(t.db, { hostname: 'other-host' });
      await repo.verifier().verify('192.0.2.33', 22, 'ssh-ed25519', FP.c);
      await repo.linkDevice('192.0.2.33', 22, other);
      expect((await check(device, '192.0.2.33', FP.c)).verdict).toEqual({ ok: false, message: expect.stringContaining('it is pinned at that address, but not for this device') });
      expect((await check(device, '192.0.2.34', FP.c)).verdict.ok).toBe(false);
    });

    it("refuses the device's own key at an address where that key is pinned for another device (clones of one image share host keys)", async () => {
      // the clone answered a scan at 192.0.2.37, an address the moving host once had
      const clone = await makeDevice(t.db, { hostname: 'moving-host-clone' });
      await repo.verifier().verify('192.0.2.37', 22, 'ssh-ed25519', FP.a);
      await repo.linkDevice('192.0.2.37', 22, clone);
      const { verdict } = await check(device, '192.0.2.37', FP.a);
      expect(verdict).toEqual({ ok: false, message: expect.stringContaining(`which is pinned at that address for device ${clone}, not for this one`) });
      expect((await check(clone, '192.0.2.37', FP.a)).verdict).toEqual({ ok: true });
    });

    it('refuses the device\'s own key where another key is pinned, recording it as changed there', async () => {
      await repo.verifier().verify('192.0.2.35', 22, 'ssh-ed25519', FP.d);
      const { verdict } = await check(device, '192.0.2.35', FP.a);
      expect(verdict).toEqual({ ok: false, message: expect.stringMatching(/^host key for 192\.0\.2\.35:22 changed: pinned .* accept it/) });
      expect((await list('?q=192.0.2.35')).body.items[0]).toMatchObject({ fingerprint: FP.d, rejectedFingerprint: FP.a, deviceId: null });
    });

    it('claims for the device a pin of its key that no device claimed yet', async () => {
      await repo.verifier().verify('192.0.2.36', 22, 'ssh-ed25519', FP.a);
      const { verdict, pin } = await check(device, '192.0.2.36', FP.a);
      expect(verdict).toEqual({ ok: true });
      await pin();
      expect((await list('?q=192.0.2.36')).body.items[0]).toMatchObject({ fingerprint: FP.a, deviceId: device });
    });
  });

  it('answers 404 for a key that is not pinned and 400 for a bad port, sort or filter', async () => {
    const missing = await t.http.delete('/api/discovery/host-keys/192.0.2.99/22').set(bearer(tech));
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('no host key is pinned for 192.0.2.99:22');
    expect((await t.http.delete('/api/discovery/host-keys/192.0.2.1/ssh').set(bearer(tech))).status).toBe(400);
    const badSort = await list('?sort=fingerprint');
    expect(badSort.status).toBe(400);
    expect(badSort.body.details).toEqual([expect.objectContaining({ field: 'sort' })]);
    expect((await list('?rejected=maybe')).status).toBe(400);
  });

  it.each(['ssh', '0', '65536', '-22', '2.5', '99999999999999999999'])('answers a port of %s with a 400 naming it, as a bad id is named', async (port) => {
    const res = await t.http.delete(`/api/discovery/host-keys/192.0.2.1/${port}`).set(bearer(tech));
    expect([res.status, res.body.message, res.body.details]).toEqual([400, 'port: must be an integer from 1 to 65535', [{ field: 'port', messages: ['must be an integer from 1 to 65535'] }]]);
  });

  it('pages and sorts the list', async () => {
    const all = (await list('?limit=500&sort=host')).body;
    const hosts = all.items.map((k: { host: string; port: number }) => `${k.host}:${k.port}`);
    const names = all.items.map((k: { host: string }) => k.host);
    expect(names).toEqual([...names].sort());
    const page2 = (await list('?limit=2&page=2&sort=host')).body;
    expect(page2).toMatchObject({ total: all.total, page: 2, limit: 2 });
    expect(page2.items.map((k: { host: string; port: number }) => `${k.host}:${k.port}`)).toEqual(hosts.slice(2, 4));
    expect((await t.http.get('/api/discovery/host-keys')).status).toBe(401);
  });
});
