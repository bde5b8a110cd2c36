// "Scan again" sends back everything a scan left out as the new scan's exclusions: the
// technician's own, then the server's TEKNISI_SCAN_EXCLUDE with the addresses its names resolved
// to. A name in the server's list that does not resolve is only a warning as a scan starts; sent
// back, it must not become the technician's typo that refuses the scan, and neither the server's
// entries nor the addresses listed after a name count against the technician's 1,000.
import type { LookupAllOptions } from 'node:dns';
import dns = require('node:dns/promises');
import { bearer, createTestApp, TestApp } from './support/app';

const SERVER_EXCLUDE = ['127.84.0.9', 'localhost', 'old-ups.invalid'];
/** a name of the technician's own, and what it resolves to (nothing here is contacted) */
const PRINTERS = 'printers.scan-again.test';
const PRINTER_ADDRESSES = ['127.84.2.1', '127.84.2.2', '127.84.2.3'];

describe('scan again under a server exclude list', () => {
  let t: TestApp;
  let tech: string;
  let credentialId: number;
  let localhost: string[];

  beforeAll(async () => {
    // .invalid never resolves (RFC 6761), and resolvers may say so without asking anyone. This
    // machine's must, here: its DNS server is not on loopback, and specs contact only 127.0.0.0/8.
    const lookup = dns.lookup.bind(dns);
    jest.spyOn(dns, 'lookup').mockImplementation((async (name: string, options: LookupAllOptions) => {
      if (name.endsWith('.invalid')) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND', hostname: name });
      if (name === PRINTERS) return PRINTER_ADDRESSES.map((address) => ({ address, family: 4 }));
      return lookup(name, options);
    }) as typeof dns.lookup);
    localhost = [...new Set((await dns.lookup('localhost', { all: true })).map((a) => a.address))];
    t = await createTestApp({ env: { TEKNISI_SCAN_EXCLUDE: SERVER_EXCLUDE.join(' ') } });
    tech = await t.tokenFor('technician');
    credentialId = (await t.http.post('/api/credentials').set(bearer(t.adminToken)).send({ name: 'v2c', kind: 'snmp-v2c', community: 'public' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
    jest.restoreAllMocks();
  });

  const start = (body: object) => t.http.post('/api/discovery/scans').set(bearer(tech)).send({ targets: ['127.84.1.0/28'], credentialIds: [credentialId], ...body });
  const excludeOf = async (id: number): Promise<string[]> => (await t.http.get(`/api/discovery/scans/${id}`).set(bearer(tech)).expect(200)).body.exclude;

  it('starts again with what the last scan left out, the server\'s entries once, and still refuses the technician\'s own name that does not resolve', async () => {
    const first = await excludeOf((await start({ exclude: ['127.84.1.5'] }).expect(202)).body.id);
    expect(first).toEqual(['127.84.1.5', '127.84.0.9', 'localhost', ...localhost, 'old-ups.invalid']);

    const again = await start({ exclude: first }).expect(202);
    expect(await excludeOf(again.body.id)).toEqual(first);

    // a name of the technician's own that does not resolve protects nothing: refused, at its place
    const typo = await start({ exclude: [...first, 'new-ups.invalid'] }).expect(400);
    expect(typo.body.details).toEqual([{ field: `exclude.${first.length}`, messages: [expect.stringMatching(/^host name new-ups\.invalid does not resolve \(ENOTFOUND\)/)] }]);
  });

  it('starts again a scan that had 1,000 exclusions of its own, listed with what its name resolved to and the server\'s; more than 1,000 of one\'s own is a 400 naming exclude', async () => {
    const own = [...Array.from({ length: 999 }, (_, i) => `127.84.${16 + (i >> 8)}.${i & 255}`), PRINTERS];
    const first = await excludeOf((await start({ exclude: own }).expect(202)).body.id);
    expect(first).toEqual([...own, ...PRINTER_ADDRESSES, '127.84.0.9', 'localhost', ...localhost, 'old-ups.invalid']);

    // what the scan page's "Scan again" sends: the list as the scan shows it, over 1,000 entries
    const again = await start({ exclude: first }).expect(202);
    expect(await excludeOf(again.body.id)).toEqual(first);

    // the technician's own beyond 1,000 are refused, the server's and the name's addresses aside
    const more = await start({ exclude: [...first, '127.84.30.1'] }).expect(400);
    expect(more.body.details).toEqual([{ field: 'exclude', messages: [expect.stringMatching(/^1,001 exclusions of the scan's own: at most 1,000/)] }]);
    // and a list longer than any a scan can keep, before anything is looked at
    const huge = await start({ exclude: Array.from({ length: 20_000 }, (_, i) => `127.84.${64 + (i >> 8)}.${i & 255}`) }).expect(400);
    expect(huge.body.details).toEqual([{ field: 'exclude', messages: [expect.stringMatching(/^exclude must contain no more than [\d,]+ elements/)] }]);
  });
});
