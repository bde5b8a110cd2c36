import { AgentCandidate, agentMayLand, CandidateFacts, Choice, disambiguate, MatchedBy, ReportIdentity } from './identity-match';

// Two cloned VMs, 1 (vm-a at 192.0.2.1) and 2 (vm-b at 192.0.2.2), both carrying MAC x and
// marked distinct; 1 also has MAC y, 2 has MAC z. Device 3 is an earlier ambiguous sighting.
const X = '52:54:00:00:00:0x';
const Y = '52:54:00:00:00:0y';
const Z = '52:54:00:00:00:0z';
const devices: Record<number, { serial: string | null; hostname: string | null; macs: string[]; ips: string[] }> = {
  1: { serial: 'SER-A', hostname: 'vm-a', macs: [X, Y], ips: ['192.0.2.1'] },
  2: { serial: 'SER-B', hostname: 'vm-b', macs: [X, Z], ips: ['192.0.2.2'] },
  3: { serial: null, hostname: null, macs: [X], ips: [] },
  4: { serial: 'SER-A', hostname: 'old-a', macs: [], ips: [] },
};

/** What ingest's queries would return for these candidates and this report. */
function factsFor(ids: number[], r: ReportIdentity): CandidateFacts[] {
  return ids.map((id) => ({
    id, serial: devices[id].serial, hostname: devices[id].hostname,
    macs: devices[id].macs.filter((m) => r.macs.includes(m)), addresses: devices[id].ips.filter((a) => r.addresses.includes(a)),
  }));
}

describe('disambiguate', () => {
  it.each<[string, number[], Array<[number, number]>, ReportIdentity, MatchedBy, Choice]>([
    ['serial tells cloned machines apart', [1, 2], [[1, 2]], { serial: 'SER-B', macs: [X], addresses: [] }, 'mac', { id: 2, by: 'serial' }],
    ['another MAC tells them apart', [1, 2], [[1, 2]], { macs: [X, Z], addresses: [] }, 'mac', { id: 2, by: 'mac' }],
    ['hostname with address tells them apart', [1, 2], [[1, 2]], { macs: [X], hostname: 'VM-A', addresses: ['192.0.2.1'] }, 'mac', { id: 1, by: 'hostname' }],
    ['hostname alone (new DHCP address) tells them apart', [1, 2], [[1, 2]], { macs: [X], hostname: 'vm-b', addresses: ['10.9.9.9'] }, 'mac', { id: 2, by: 'hostname' }],
    ['nothing tells them apart: no device', [1, 2], [[1, 2]], { macs: [X], hostname: 'vm-c', addresses: ['192.0.2.3'] }, 'mac', { id: null, by: null }],
    ['one MAC of each: no device', [1, 2], [[1, 2]], { macs: [Y, Z], addresses: [] }, 'mac', { id: null, by: null }],
    ['nothing tells them apart, an earlier ambiguous sighting takes it', [1, 2, 3], [[1, 2]], { macs: [X], addresses: [] }, 'mac', { id: 3, by: 'mac' }],
    ['a reused serial, told apart by MAC', [1, 4], [[1, 4]], { serial: 'SER-A', macs: [Y], addresses: [] }, 'serial', { id: 1, by: 'mac' }],
    ['without a distinct pair left, the oldest device', [1, 2, 3], [[1, 2]], { macs: [X, Y], addresses: [] }, 'mac', { id: 1, by: 'mac' }],
  ])('%s', (_what, pool, pairs, report, firstBy, expected) => {
    expect(disambiguate(pool, pairs, factsFor(pool, report), report, firstBy)).toEqual(expected);
  });
});

describe('agentMayLand: which devices an agent\'s report may be matched to', () => {
  const M1 = '3e1d7a5c9b2f4e80a6c1d2e3f4a5b6c7';
  const M2 = '5d8a6c1e-3f4b-4a27-9e0d-b1c2f7a83e64';
  const pc = (over: Partial<AgentCandidate> = {}): AgentCandidate => ({ id: 1, platform: 'linux', type: 'server', machineIds: [], reachedBySsh: true, ...over });
  it.each<[string, AgentCandidate, string | undefined, boolean]>([
    ['a computer with no known id, a report with one', pc(), M1, true],
    ['a computer with no known id, a report without (a Mac)', pc({ platform: 'macos', type: 'laptop' }), undefined, true],
    ['the same id (SSH and the agent on one machine)', pc({ machineIds: [M1] }), M1, true],
    ['another id (another machine copying the serial)', pc({ machineIds: [M1] }), M2, false],
    ['no id against a known one', pc({ machineIds: [M1] }), undefined, false],
    ['a PC its agent alone knows, back with another id (reimaged)', pc({ type: 'laptop', machineIds: [M1], reachedBySsh: false }), M2, true],
    ['an unclassified device is a computer', pc({ platform: 'other', type: 'other' }), M1, true],
    ['a switch', pc({ platform: 'cisco-ios', type: 'switch' }), M1, false],
    ['a printer', pc({ platform: 'printer', type: 'printer' }), undefined, false],
    ['a router by type alone', pc({ platform: 'other', type: 'router' }), M1, false],
    ['network gear, even with the same id', pc({ platform: 'other', type: 'firewall', machineIds: [M1] }), M1, false],
  ])('%s', (_what, candidate, machineId, may) => {
    expect(agentMayLand(candidate, machineId)).toBe(may);
  });
});
