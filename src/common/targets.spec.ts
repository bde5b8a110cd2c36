import { expandTargets, parseTarget, parseTargets } from './targets';

const expand = (targets: string[], exclude: string[] = []) => {
  const p = parseTargets(targets, 1 << 20, exclude);
  expect(p.errors).toEqual([]);
  return expandTargets(p.targets, p.exclusions);
};

describe('scan targets', () => {
  it.each([
    ['192.0.2.0/24', 254, '192.0.2.1', '192.0.2.254'],
    ['192.0.2.0/30', 2, '192.0.2.1', '192.0.2.2'],
    ['192.0.2.8/31', 2, '192.0.2.8', '192.0.2.9'],
    ['192.0.2.7/32', 1, '192.0.2.7', '192.0.2.7'],
    ['192.0.2.77/24', 254, '192.0.2.1', '192.0.2.254'],
    ['127.0.0.5-127.0.0.9', 5, '127.0.0.5', '127.0.0.9'],
    ['127.0.0.5-9', 5, '127.0.0.5', '127.0.0.9'],
    ['198.51.100.250-198.51.101.3', 10, '198.51.100.250', '198.51.101.3'],
    ['2001:db8::/126', 3, '2001:db8::1', '2001:db8::3'],
    ['2001:db8::1-2001:db8::4', 4, '2001:db8::1', '2001:db8::4'],
    [' 127.0.0.1 ', 1, '127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.2', 1, '127.0.0.2', '127.0.0.2'],
    // an IPv4-mapped block's prefix counts IPv6 bits (before: a 400)
    ['::ffff:192.0.2.0/120', 254, '192.0.2.1', '192.0.2.254'],
    ['::ffff:192.0.2.8/127', 2, '192.0.2.8', '192.0.2.9'],
    ['Host.Example.', 1, 'host.example', 'host.example'],
  ])('%s covers %i addresses from %s to %s', (text, count, first, last) => {
    const all = expandTargets([parseTarget(text)]);
    expect(all).toHaveLength(count);
    expect(all[0]).toBe(first);
    expect(all[all.length - 1]).toBe(last);
  });

  it('reads a mapped block shorter than /96 as the IPv6 block it names, not as an IPv4 one', () => {
    // before: ::ffff:192.0.2.0/24 was the IPv4 block 192.0.2.0/24, and ::ffff:192.0.2.0/8 16,777,214 IPv4 addresses
    const t = parseTarget('::ffff:192.0.2.0/24');
    expect(t).toMatchObject({ kind: 'cidr', v6: true, block: { first: 0n, size: 1n << 104n } });
  });

  it.each([
    ['192.0.2.0/33', 'not a valid CIDR block'],
    ['192.0.2/24', 'not a valid CIDR block'],
    ['300.1.1.1/24', 'not a valid CIDR block'],
    ['192.0.2.9-192.0.2.1', 'ends before it starts'],
    ['192.0.2.1-2001:db8::1', 'not a valid address range'],
    ['192.0.2.1-300', 'not a valid address range'],
    ['10.1', 'not an address, range, CIDR block or host name'],
    ['256.1.1.1', 'not an address, range, CIDR block or host name'],
    ['bad host!', 'not an address, range, CIDR block or host name'],
    ['-leading.example', 'not an address, range, CIDR block or host name'],
    ['', 'is empty'],
    // the extra part used to be dropped: this scanned 192.0.2.0/24
    ['192.0.2.0/24/7', 'not a valid CIDR block'],
    ['2001:db8::/64/3', 'not a valid CIDR block'],
    // the zone used to be dropped as the address was expanded: fe80::1 was scanned on whatever interface
    ['fe80::1%eth0', 'has an IPv6 zone (%eth0)'],
    ['fe80::%eth0/64', 'has an IPv6 zone (%eth0)'],
    ['fe80::1%eth0-fe80::9%eth0', 'has an IPv6 zone (%eth0)'],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseTarget(text)).toThrow(message);
  });

  it('names each bad target by its position and counts without expanding', () => {
    const r = parseTargets(['192.0.2.0/24', 'nope!', '203.0.113.0/33'], 65_536);
    expect(r.errors).toEqual([expect.stringMatching(/^targets\.1: "nope!"/), expect.stringMatching(/^targets\.2: "203\.0\.113\.0\/33"/)]);
    const huge = parseTargets(['198.18.0.0/15', '2001:db8::/32'], 65_536);
    expect(huge.errors).toEqual([expect.stringContaining('more than one scan may cover (65,536')]);
  });

  it('drops addresses that two targets share, keeping the first order', () => {
    const r = parseTargets(['127.0.0.5-8', '127.0.0.0/29', '127.0.0.6'], 100);
    expect(expandTargets(r.targets)).toEqual(['127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']);
  });

  it('counts an address that two targets share once, so overlapping targets are not held against the cap', () => {
    expect(parseTargets(['192.0.2.0/24', '192.0.2.0/24', '192.0.2.7'], 254).errors).toEqual([]);
    expect(parseTargets(['192.0.2.0/24', '192.0.2.0/24'], 253).errors).toEqual([expect.stringContaining('254 addresses is more than')]);
  });

  it.each([
    [['192.0.2.0/29'], ['192.0.2.3'], ['192.0.2.1', '192.0.2.2', '192.0.2.4', '192.0.2.5', '192.0.2.6']],
    [['192.0.2.0/29'], ['192.0.2.1-3', '192.0.2.6/32'], ['192.0.2.4', '192.0.2.5']],
    [['192.0.2.0/29'], ['192.0.2.0/30', '192.0.2.2-192.0.2.5'], ['192.0.2.6']],
    [['192.0.2.0/29'], ['192.0.2.0/24'], []],
    // the /25's broadcast address, .127, is a host of the /24: excluding the /25 leaves it out
    [['198.51.100.0/24'], ['198.51.100.0/25', '198.51.100.130-254'], ['198.51.100.128', '198.51.100.129']],
    [['192.0.2.0/28'], ['192.0.2.0/30'], ['192.0.2.4', '192.0.2.5', '192.0.2.6', '192.0.2.7', '192.0.2.8', '192.0.2.9', '192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13', '192.0.2.14']],
    [['192.0.2.5-7', '192.0.2.1'], ['192.0.2.1'], ['192.0.2.5', '192.0.2.6', '192.0.2.7']],
    [['192.0.2.1', 'Printer.Example', 'other.example'], ['printer.example.'], ['192.0.2.1', 'other.example']],
    [['192.0.2.1-3', '2001:db8::1-2001:db8::3'], ['2001:db8::2', '192.0.2.9'], ['192.0.2.1', '192.0.2.2', '192.0.2.3', '2001:db8::1', '2001:db8::3']],
    [['192.0.2.9', '192.0.2.0/29'], ['::ffff:192.0.2.2'], ['192.0.2.9', '192.0.2.1', '192.0.2.3', '192.0.2.4', '192.0.2.5', '192.0.2.6']],
  ])('%j less %j leaves %j, in the targets\' order', (targets, exclude, left) => {
    expect(expand(targets, exclude)).toEqual(left);
    expect(parseTargets(targets, 1 << 20, exclude).size).toBe(left.length);
  });

  it('counts what is left after the exclusions against the cap, and never walks what is excluded', () => {
    // the /15's first half and its second half's first quarter out: 198.19.64.0 to .255.254 left
    const r = parseTargets(['198.18.0.0/15'], 65_536, ['198.18.0.0/16', '198.19.0.0/18']);
    expect(r.errors).toEqual([]);
    expect(r.size).toBe(49_151);
    const all = expandTargets(r.targets, r.exclusions);
    expect(all).toHaveLength(49_151);
    expect([all[0], all[all.length - 1]]).toEqual(['198.19.64.0', '198.19.255.254']);
    expect(parseTargets(['198.18.0.0/15'], 65_536, ['198.19.0.0/18']).errors).toEqual([expect.stringContaining('114,686 addresses once the exclusions are taken out is more than one scan may cover')]);
  });

  it('names a target with a zone or an extra "/" part, and an exclusion with one, by its position', () => {
    const r = parseTargets(['192.0.2.0/24/7', 'fe80::1%eth0'], 65_536, ['fe80::2%lo']);
    expect(r.errors).toEqual([
      'targets.0: "192.0.2.0/24/7" is not a valid CIDR block (like 192.0.2.0/24)',
      expect.stringMatching(/^targets\.1: "fe80::1%eth0" has an IPv6 zone \(%eth0\)/),
      expect.stringMatching(/^exclude\.0: "fe80::2%lo" has an IPv6 zone \(%lo\)/),
    ]);
  });

  it('names each bad exclusion by its position', () => {
    const r = parseTargets(['192.0.2.0/24'], 65_536, ['192.0.2.1', '192.0.2.0/40', 'bad host!']);
    expect(r.errors).toEqual([expect.stringMatching(/^exclude\.1: "192\.0\.2\.0\/40" is not a valid CIDR block/), expect.stringMatching(/^exclude\.2: "bad host!" is not/)]);
  });

  it('says which exclusion an address falls in', () => {
    const { exclusions } = parseTargets(['192.0.2.0/24'], 65_536, ['printer.example', '192.0.2.16/28', '2001:db8::/64']);
    expect(exclusions.matching('192.0.2.20')).toBe('192.0.2.16/28');
    expect(exclusions.matching('::ffff:192.0.2.31')).toBe('192.0.2.16/28');
    expect(exclusions.matching('2001:db8::99')).toBe('2001:db8::/64');
    expect(exclusions.matching('192.0.2.32')).toBeNull();
    expect(exclusions.hasHost('printer.example')).toBe(true);
  });

  it('expands exactly as many addresses as it counts, whatever overlaps', () => {
    // a small deterministic generator: ranges and blocks in 192.0.2.0/24, overlapping at random
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pick = () => (rnd(3) === 0 ? `192.0.2.${rnd(256)}` : rnd(2) ? `192.0.2.${rnd(128)}-${128 + rnd(128)}` : `192.0.2.${rnd(256)}/${26 + rnd(7)}`);
    for (let i = 0; i < 200; i++) {
      const targets = Array.from({ length: 1 + rnd(4) }, pick);
      const exclude = Array.from({ length: rnd(4) }, pick);
      const p = parseTargets(targets, 1 << 20, exclude);
      const all = expandTargets(p.targets, p.exclusions);
      const banned = new Set(expandTargets(parseTargets(exclude, 1 << 20).targets));
      expect({ targets, exclude, n: p.size }).toEqual({ targets, exclude, n: all.length });
      expect(all.filter((a) => banned.has(a))).toEqual([]);
      expect(new Set(all).size).toBe(all.length);
    }
  });

  /** What the expansion means, walked the slow way: each target on its own, in order, an address kept the first time only. */
  const bruteForce = (targets: string[], exclude: string[]) => {
    const p = parseTargets(targets, 1 << 20, exclude);
    const seen = new Set<string>();
    for (const t of p.targets) for (const a of expandTargets([t], p.exclusions)) seen.add(a);
    return [...seen];
  };

  it('expands overlapping targets to exactly what walking each one and dropping repeats gives, order included', () => {
    // scans already running split this list into chunks by position: the order must not move
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pick = () => [
      () => `192.0.2.${rnd(256)}`,
      () => `192.0.2.${rnd(128)}-${128 + rnd(128)}`,
      () => `192.0.2.${rnd(256)}/${24 + rnd(9)}`,
      () => `2001:db8::${rnd(64).toString(16)}-2001:db8::${(64 + rnd(64)).toString(16)}`,
      () => `2001:db8::/${121 + rnd(8)}`,
      () => `host${rnd(3)}.example`,
    ][rnd(6)]();
    for (let i = 0; i < 300; i++) {
      const targets = Array.from({ length: 1 + rnd(8) }, pick);
      const exclude = Array.from({ length: rnd(3) }, pick);
      const p = parseTargets(targets, 1 << 20, exclude);
      const all = bruteForce(targets, exclude);
      // the API counts without expanding: the count must be the list's length
      expect({ targets, exclude, all: expandTargets(p.targets, p.exclusions), size: p.size }).toEqual({ targets, exclude, all, size: all.length });
    }
    expect(expand(['127.0.0.5-8', '127.0.0.0/29', 'a.example', '127.0.0.6', 'A.example', '127.0.0.0/30'])).toEqual(bruteForce(['127.0.0.5-8', '127.0.0.0/29', 'a.example', '127.0.0.6', 'A.example', '127.0.0.0/30'], []));
  });

  it('walks a block that fifty targets repeat once: 50 copies of a /16 come back as its 65,534 hosts in order', () => {
    // walking every copy and dropping repeats took ~20 s of CPU, on the API and on every worker;
    // the bound is generous on purpose (a loaded CI machine), far below what the old walk took
    const targets = [...Array(25).fill('127.70.0.0/16'), '127.70.7.0/24', ...Array(25).fill('127.70.0.0/16')];
    const p = parseTargets(targets, 65_536);
    expect([p.errors, p.size]).toEqual([[], 65_534]);
    const started = Date.now();
    const all = expandTargets(p.targets, p.exclusions);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(all).toHaveLength(65_534);
    expect([all[0], all[1], all[255], all[all.length - 1]]).toEqual(['127.70.0.1', '127.70.0.2', '127.70.1.0', '127.70.255.254']);
  });
});
