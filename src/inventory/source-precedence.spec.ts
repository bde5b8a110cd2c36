import { addressesOthersReach, deviceClass, FieldGroup, outrankedBy, ReportSource, Sighting } from './source-precedence';

const AT = new Date('2025-06-01T12:00:00Z');
const daysBefore = (days: number) => new Date(AT.getTime() - days * 86_400_000);
const ALL: FieldGroup[] = ['os', 'device', 'hardware', 'software', 'interfaces'];
const every = (by: ReportSource, groups = ALL) => Object.fromEntries(groups.map((g) => [g, by]));

describe('deviceClass', () => {
  it.each([
    ['linux', 'server', 'computer'],
    ['windows', 'workstation', 'computer'],
    ['other', 'virtual-machine', 'computer'],
    ['other', 'other', 'computer'],
    [undefined, undefined, 'computer'],
    ['cisco-ios', 'other', 'network'],
    ['other', 'switch', 'network'],
    ['printer', 'printer', 'network'],
    ['fortios', 'firewall', 'network'],
    ['other', 'access-point', 'network'],
  ] as const)('platform %s, type %s: %s', (platform, type, cls) => {
    expect(deviceClass(platform, type)).toBe(cls);
  });
});

describe('outrankedBy', () => {
  const cases: Array<[string, ReportSource, 'computer' | 'network', Sighting[], Record<string, ReportSource>]> = [
    ['nobody else saw it', 'snmp', 'computer', [{ kind: 'snmp', lastSeen: daysBefore(0) }], {}],
    ['SSH saw a computer yesterday: SNMP writes none of the groups', 'snmp', 'computer', [{ kind: 'ssh', lastSeen: daysBefore(1) }], every('ssh')],
    ['SSH exactly at the window edge still holds', 'snmp', 'computer', [{ kind: 'ssh', lastSeen: daysBefore(30) }], every('ssh')],
    ['SSH silent for longer than the window: SNMP takes over', 'snmp', 'computer', [{ kind: 'ssh', lastSeen: daysBefore(30.01) }], {}],
    ['SSH is never held back by SNMP', 'ssh', 'computer', [{ kind: 'snmp', lastSeen: daysBefore(0) }], {}],
    ['an agent outranks SSH and SNMP', 'ssh', 'computer', [{ kind: 'agent', lastSeen: daysBefore(2) }, { kind: 'snmp', lastSeen: daysBefore(0) }], every('agent')],
    ['the best fresh source is named', 'snmp', 'computer', [{ kind: 'agent', lastSeen: daysBefore(3) }, { kind: 'ssh', lastSeen: daysBefore(1) }], every('agent')],
    ['a stale agent leaves the lead to a fresh SSH', 'snmp', 'computer', [{ kind: 'agent', lastSeen: daysBefore(90) }, { kind: 'ssh', lastSeen: daysBefore(1) }], every('ssh')],
    ['a technician\'s edit (manual) holds nothing', 'snmp', 'computer', [{ kind: 'manual', lastSeen: daysBefore(0) }], {}],
    ['a sighting after the report (a late report) holds too', 'snmp', 'computer', [{ kind: 'ssh', lastSeen: new Date(AT.getTime() + 3_600_000) }], every('ssh')],
    ['network gear: SSH holds OS and hardware, not the interface table', 'snmp', 'network', [{ kind: 'ssh', lastSeen: daysBefore(1) }], every('ssh', ['os', 'device', 'hardware', 'software'])],
    ['network gear: SNMP holds the interface table against SSH', 'ssh', 'network', [{ kind: 'snmp', lastSeen: daysBefore(1) }], { interfaces: 'snmp' }],
    ['network gear: a stale SNMP lets SSH write interfaces', 'ssh', 'network', [{ kind: 'snmp', lastSeen: daysBefore(31) }], {}],
    ['network gear: an agent (no agent runs there) is outranked by SNMP everywhere', 'agent', 'network', [{ kind: 'snmp', lastSeen: daysBefore(1) }], every('snmp')],
    ['network gear: and by SSH, for all but the interface table, which SNMP holds', 'agent', 'network', [{ kind: 'ssh', lastSeen: daysBefore(1) }, { kind: 'snmp', lastSeen: daysBefore(2) }], { ...every('ssh', ['os', 'device', 'hardware', 'software']), interfaces: 'snmp' }],
    ['network gear: an agent holds nothing against SNMP or SSH', 'snmp', 'network', [{ kind: 'agent', lastSeen: daysBefore(0) }], {}],
  ];
  it.each(cases)('%s', (_, source, cls, sightings, expected) => {
    expect(outrankedBy(source, AT, cls, sightings, 30)).toEqual(expected);
  });

  it('follows the configured window', () => {
    const ssh = [{ kind: 'ssh' as const, lastSeen: daysBefore(10) }];
    expect(outrankedBy('snmp', AT, 'computer', ssh, 7)).toEqual({});
    expect(outrankedBy('snmp', AT, 'computer', ssh, 14)).toEqual(every('ssh'));
  });
});

describe('addressesOthersReach', () => {
  const ssh = (address: string | null, days = 0): Sighting => ({ kind: 'ssh', lastSeen: daysBefore(days), address });
  const snmp = (address: string | null, days = 0): Sighting => ({ kind: 'snmp', lastSeen: daysBefore(days), address });
  const cases: Array<[string, ReportSource, Sighting[], string[]]> = [
    ['SNMP reaches it at a second address SSH does not: SSH leaves it', 'ssh', [ssh('192.0.2.21'), snmp('198.51.100.7')], ['198.51.100.7']],
    ['and SNMP leaves SSH\'s', 'snmp', [ssh('192.0.2.21'), snmp('198.51.100.7')], ['192.0.2.21']],
    ['both reach it at one address: nothing held', 'ssh', [ssh('192.0.2.21'), snmp('192.0.2.21')], []],
    ['this source\'s first sighting may be a move: nothing held', 'snmp', [ssh('192.0.2.21')], []],
    ['a sighting from before sources kept addresses holds nothing', 'ssh', [ssh(null), snmp('198.51.100.7')], []],
    ['nor does one whose address is unknown', 'ssh', [ssh('192.0.2.21'), snmp(null)], []],
    ['another source silent for longer than the window holds nothing', 'ssh', [ssh('192.0.2.21'), snmp('198.51.100.7', 30.01)], []],
    ['a technician\'s edit reaches no address', 'ssh', [ssh('192.0.2.21'), { kind: 'manual', lastSeen: daysBefore(0), address: null }], []],
    ['each other source its own', 'agent', [{ kind: 'agent', lastSeen: daysBefore(1), address: '203.0.113.5' }, ssh('192.0.2.21'), snmp('198.51.100.7', 2)], ['192.0.2.21', '198.51.100.7']],
  ];
  it.each(cases)('%s', (_name, source, sightings, held) => {
    expect([...addressesOthersReach(source, AT, sightings, 30)].sort()).toEqual(held);
  });
});
