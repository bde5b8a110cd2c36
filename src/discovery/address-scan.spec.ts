// A host name target whose name resolves to several addresses (an A and an AAAA record): the
// scan's exclusions are checked against each of them. DNS is the one part stood in for here,
// with documentation addresses; no credential is given, so nothing would be contacted anyway.
import { scanAddress } from './address-scan';

jest.mock('node:dns/promises', () => ({
  lookup: jest.fn(async (name: string, o?: { all?: boolean }) => {
    // a dual-stack UPS whose resolver answers IPv6 first
    const all = name === 'ups.example' ? [{ address: '2001:db8::5', family: 6 }, { address: '192.0.2.5', family: 4 }] : [];
    if (!all.length) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return o?.all ? all : all[0];
  }),
}));

const deps = {
  ingest: async () => { throw new Error('nothing is ingested here'); },
  hostKeys: { verify: async () => ({ ok: true as const }), pinnedKeyType: async () => null },
  identified: async () => null,
};
const options = { snmpPort: 161, sshPort: 22, timeoutMs: 500, retries: 0, concurrency: 1 };

it('does not contact a machine the scan excludes by its IPv4 address when its name resolves to its IPv6 address first', async () => {
  const excluded = (ip: string) => (ip === '192.0.2.5' ? '192.0.2.5' : null);
  const r = await scanAddress('ups.example', [], undefined, options as never, { ...deps, excluded } as never);
  // before: only the first address (2001:db8::5) was checked, and probed
  expect(r).toMatchObject({ address: 'ups.example', status: 'excluded', reason: 'not contacted: ups.example resolves to 192.0.2.5, which this scan excludes (192.0.2.5)' });
});

it('says a name that does not resolve', async () => {
  const r = await scanAddress('nowhere.example', [], undefined, options as never, deps as never);
  expect(r).toMatchObject({ status: 'error', reason: 'host name nowhere.example did not resolve (ENOTFOUND)' });
});
