import { MAX_REPORT_ADDRESSES, REPORT_SCHEMA, reportSchemaForOpenApi, validateAgainst, validateReport } from './report-schema';

const ok = { identity: { hostname: 'ws-1' } };

describe('validateReport', () => {
  it('accepts a minimal report and a full one', () => {
    expect(validateReport(ok)).toEqual([]);
    expect(validateReport({
      agent: { name: 'teknisi-agent.sh', version: '1.0.0' }, collectedAt: '2030-01-31T12:00:00.123+01:00',
      identity: { hostname: 'ws-1', fqdn: 'ws-1.example.org', serial: 'ABC123', macs: ['aa:bb:cc:dd:ee:ff', 'AA-BB-CC-DD-EE-FF', 'aabbccddeeff'], addresses: ['192.0.2.1', 'fd00::1'] },
      device: { type: 'laptop', platform: 'windows', vendor: 'LENOVO', model: '21AH', osFamily: 'windows', osName: 'Windows 11', osVersion: '10.0.22631' },
      hardware: [{ kind: 'cpu', name: 'x', cores: 4, speedMhz: 1800, slot: 'socket 0' }, { kind: 'memory', capacityBytes: 2 ** 40 }],
      interfaces: [{ name: 'eth0', ifIndex: 2, mac: 'aa:bb:cc:dd:ee:ff', speedMbps: 1000, mtu: 1500, adminStatus: 'up', operStatus: 'up', addresses: [] }],
      software: [{ name: 'curl', version: '8', publisher: 'x', architecture: 'amd64', installDate: '2024-01-05' }],
    })).toEqual([]);
  });

  it.each([
    ['body', 'must be an object, not null', null],
    ['body', 'must be an object, not array', []],
    ['body', 'must be an object, not string', '{}'],
    ['identity', 'is required', {}],
    ['extra', 'is not a field of the report (see GET /api/inventory/schema)', { ...ok, extra: 1 }],
    ['constructor', 'is not a field of the report (see GET /api/inventory/schema)', { ...ok, constructor: {} }],
    ['identity.hostname', 'must be a string, not number', { identity: { hostname: 5 } }],
    ['identity.macs', 'must be an array, not string', { identity: { macs: 'aa:bb:cc:dd:ee:ff' } }],
    ['identity.macs[0]', 'must match ^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$', { identity: { macs: ['aa:bb:cc:dd:ee'] } }],
    ['identity.addresses[0]', expect.stringMatching(/^must match/), { identity: { addresses: ['192.0.2.1/24'] } }],
    ['collectedAt', expect.stringMatching(/^must be an ISO 8601/), { ...ok, collectedAt: '2030-02-31T00:00:00Z' }],
    ['hardware[0].cores', 'must be an integer, not number', { ...ok, hardware: [{ kind: 'cpu', cores: Number.NaN }] }],
    ['hardware[0].cores', 'must be an integer, not string', { ...ok, hardware: [{ kind: 'cpu', cores: '4' }] }],
    ['hardware[0].kind', 'is required', { ...ok, hardware: [{}] }],
    ['software', 'must have at most 20000 items, not 20001', { ...ok, software: new Array(20_001).fill({ name: 'x' }) }],
    ['agent.version', 'is required', { ...ok, agent: { name: 'x' } }],
  ])('names %s: %s', (field, message, report) => {
    expect(validateReport(report)).toEqual([{ field, messages: [message] }]);
  });

  it(`takes ${MAX_REPORT_ADDRESSES} addresses on the interfaces in all, and names interfaces past that`, () => {
    // 256 VLAN interfaces with 64 addresses each: the cap exactly
    const vlans = Array.from({ length: 256 }, (_, i) => ({ name: `vlan${i}`, addresses: new Array(64).fill('192.0.2.1') }));
    expect(MAX_REPORT_ADDRESSES).toBe(256 * 64);
    expect(validateReport({ ...ok, interfaces: vlans })).toEqual([]);
    expect(validateReport({ ...ok, interfaces: [...vlans, { name: 'lo', addresses: ['127.0.0.1'] }] })).toEqual([
      { field: 'interfaces', messages: [`must list at most ${MAX_REPORT_ADDRESSES} addresses in all, not ${MAX_REPORT_ADDRESSES + 1}`] },
    ]);
  });

  it('stops at 20 problems', () => {
    expect(validateAgainst({ type: 'array', items: { type: 'string' } }, new Array(100).fill(1))).toHaveLength(20);
  });

  it('publishes to OpenAPI without the keywords OpenAPI 3.0 does not know', () => {
    const doc = reportSchemaForOpenApi();
    expect(doc).not.toHaveProperty('$schema');
    expect(doc).not.toHaveProperty('$id');
    expect(doc.properties).toBe(REPORT_SCHEMA.properties);
  });
});
