import { deviceSql, normalizeMacQuery } from './devices.repository';

describe('device search SQL', () => {
  it.each([
    ['AA-BB-CC-DD-EE-FF', 'aa:bb:cc:dd:ee:ff'],
    ['aabb.ccdd.eeff', 'aa:bb:cc:dd:ee:ff'],
    ['AABB', 'aa:bb'],
    ['aab', null],
    ['printer', null],
  ])('normalizes the MAC query %j to %j', (q, mac) => {
    expect(normalizeMacQuery(q)).toBe(mac);
  });

  it('counts the default list without a range scan and searches nothing', () => {
    expect(deviceSql({})).toMatchObject({ from: 'devices d', plain: true, where: "d.status <> 'retired'" });
    expect(deviceSql({ status: 'all' }).plain).toBe(false);
    expect(deviceSql({ type: 'server' }).plain).toBe(false);
  });

  it('searches addresses only for text that can start an IP or MAC', () => {
    const word = deviceSql({ q: 'firefox' });
    expect(word.from).not.toContain('device_addresses');
    expect(word.fromParams).toEqual(['firefox%', 'firefox%', 'firefox%', 'firefox%', '%firefox%']);
    const ip = deviceSql({ q: '192.0.2.' });
    expect(ip.from).toContain('device_addresses WHERE ip LIKE');
    const mac = deviceSql({ q: 'AA-BB-CC' });
    expect(mac.fromParams).toContain('aa:bb:cc%');
  });

  it('narrows to a title at one version (an empty one too: installed without a version), or at any', () => {
    const at = deviceSql({ softwareId: 7, softwareVersion: '' });
    expect(at.where).toContain('i.software_id = ? AND i.version = ?');
    expect(at.whereParams).toEqual([7, '']);
    expect(deviceSql({ softwareId: 7 }).where).not.toContain('i.version');
  });

  it('escapes LIKE wildcards and keeps parameters in placeholder order', () => {
    const q = deviceSql({ q: '50%_off', tag: 'lab', osFamily: 'linux' });
    expect(q.fromParams[0]).toBe('50\\%\\_off%');
    expect((q.from.match(/\?/g) ?? []).length).toBe(q.fromParams.length);
    expect((q.where.match(/\?/g) ?? []).length).toBe(q.whereParams.length);
    expect(q.whereParams).toEqual(['linux', 'lab']);
  });
});
