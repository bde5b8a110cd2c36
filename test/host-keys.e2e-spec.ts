// Pinned SSH host keys: trust on first use (once, even when workers race), a changed key refused
// and shown beside the pinned one, and the API that lists keys and, audited, forgets one.
import { HostKeysRepository } from '../src/discovery/host-keys.repository';
import { bearer, createTestApp, TestApp } from './support/app';

const FP = {
  a: 'SHA256:Wq3rY1mE4mQ0sJ3b7kQ5m1vX2nH8cA9dF0gH1jK2lM3',
  b: 'SHA256:Bx7pT0sU2vW4yZ6aC8eG0iK2mO4qS6uW8yA0cE2gI4k',
  c: 'SHA256:Cc1dE2fG3hI4jK5lM6nO7pQ8rS9tU0vW1xY2zA3bC4d',
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
        'forget the pinned key (DELETE /api/discovery/host-keys/192.0.2.2/2222) and scan again',
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
    expect(audit.body.items).toEqual([expect.objectContaining({ objectType: 'ssh-host-key', objectId: '192.0.2.6:22', statusCode: 204 })]);
    expect(JSON.parse(audit.body.items[0].summary)).toEqual({ fingerprint: FP.a, rejectedFingerprint: FP.b });
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
