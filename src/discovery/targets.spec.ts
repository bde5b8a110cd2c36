import { expandTargets, parseTarget, parseTargets } from './targets';

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
    ['Host.Example.', 1, 'host.example', 'host.example'],
  ])('%s covers %i addresses from %s to %s', (text, count, first, last) => {
    const all = expandTargets([parseTarget(text)]);
    expect(all).toHaveLength(count);
    expect(all[0]).toBe(first);
    expect(all[all.length - 1]).toBe(last);
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
});
