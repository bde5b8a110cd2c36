import { splitSoftwareName, macFromOctets, dateFromOctets, dnsName } from './snmp.collector';
import { ipFromBytes, ipFromIndex, num } from './snmp-tables';
import { supplyLevel } from './snmp-mibs';

describe('SNMP value parsing', () => {
  it.each([
    ['adduser_3.134_all', { name: 'adduser', version: '3.134', architecture: 'all' }],
    ['libc6_2.36-9+deb12u9_amd64', { name: 'libc6', version: '2.36-9+deb12u9', architecture: 'amd64' }],
    ['openssh-server-8.7p1-38.el9.x86_64', { name: 'openssh-server', version: '8.7p1-38.el9', architecture: 'x86_64' }],
    ['Mozilla Firefox 128.0.3', { name: 'Mozilla Firefox', version: '128.0.3' }],
    // Windows display names: the architecture marker leaves the name, so x86 and x64 installs are one title
    ['Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33135', { name: 'Microsoft Visual C++ 2015-2022 Redistributable', version: '14.38.33135', architecture: 'x64' }],
    ['Microsoft Visual C++ 2013 Redistributable (x86) - 12.0.40664', { name: 'Microsoft Visual C++ 2013 Redistributable', version: '12.0.40664', architecture: 'x86' }],
    ['Notepad++ (64-bit x64)', { name: 'Notepad++', version: '', architecture: 'x64' }],
    ['7-Zip 23.01 (x64)', { name: '7-Zip', version: '23.01', architecture: 'x64' }],
    ['Mozilla Firefox (x64 en-US) 128.0', { name: 'Mozilla Firefox', version: '128.0', architecture: 'x64' }],
    ['Mozilla Thunderbird (x64 de) 115.12.2', { name: 'Mozilla Thunderbird', version: '115.12.2', architecture: 'x64' }],
    ['Microsoft Windows Desktop Runtime - 8.0.6 (x64)', { name: 'Microsoft Windows Desktop Runtime', version: '8.0.6', architecture: 'x64' }],
    ['Python 3.12.4 (64-bit)', { name: 'Python', version: '3.12.4', architecture: 'x64' }],
    ['Zoom Workplace (64-bit)', { name: 'Zoom Workplace', version: '', architecture: 'x64' }],
    ['IrfanView 4.67 (32-bit)', { name: 'IrfanView', version: '4.67', architecture: 'x86' }],
    ['PuTTY release 0.81 (64-bit)', { name: 'PuTTY', version: '0.81', architecture: 'x64' }],
    ['Wireshark 4.2.5 x64', { name: 'Wireshark', version: '4.2.5', architecture: 'x64' }],
    ['OpenVPN 2.6.10-I001 amd64', { name: 'OpenVPN', version: '2.6.10-I001', architecture: 'x64' }],
    ['PowerShell 7-x64', { name: 'PowerShell', version: '7', architecture: 'x64' }],
    ['Cisco Secure Client - AnyConnect VPN 5.1.2.42', { name: 'Cisco Secure Client - AnyConnect VPN', version: '5.1.2.42' }],
    ['Intel(R) Network Connections 28.2.501.4', { name: 'Intel(R) Network Connections', version: '28.2.501.4' }],
    // what is not a version stays in the name
    ['Intel(R) Management Engine Components', { name: 'Intel(R) Management Engine Components', version: '' }],
    ['Update for Windows 10 for x64-based Systems (KB5001716)', { name: 'Update for Windows 10 for x64-based Systems (KB5001716)', version: '' }],
    ['Microsoft 365 Apps for enterprise - en-us', { name: 'Microsoft 365 Apps for enterprise - en-us', version: '' }],
    ['Microsoft Office Professional Plus 2016', { name: 'Microsoft Office Professional Plus 2016', version: '' }],
    ['Microsoft Visual Studio Code (User)', { name: 'Microsoft Visual Studio Code (User)', version: '' }],
    ['(x64)', { name: '(x64)', version: '' }],
    // RPM name-version-release without the architecture, FreeBSD's name-version
    ['bash-5.1.8-6.el9', { name: 'bash', version: '5.1.8-6.el9' }],
    ['kernel-core-5.14.0-427.13.1.el9_4', { name: 'kernel-core', version: '5.14.0-427.13.1.el9_4' }],
    ['libstdc++-11.4.1-3.el9', { name: 'libstdc++', version: '11.4.1-3.el9' }],
    ['tzdata-2024a-1.el9', { name: 'tzdata', version: '2024a-1.el9' }],
    ['py39-setuptools-63.1.0_1', { name: 'py39-setuptools', version: '63.1.0_1' }],
    ['curl-8.4.0', { name: 'curl', version: '8.4.0' }],
    ['Office-2019', { name: 'Office-2019', version: '' }],
    ['7-Zip', { name: '7-Zip', version: '' }],
    ['Notepad++', { name: 'Notepad++', version: '' }],
  ])('splits %j', (full, parts) => {
    expect(splitSoftwareName(full)).toEqual(parts);
  });

  it('reads MACs and dates from octets', () => {
    expect(macFromOctets(Buffer.from([0x52, 0x54, 0, 0x12, 0x34, 0x56]))).toBe('52:54:00:12:34:56');
    expect(macFromOctets(Buffer.from([1, 2, 3]))).toBeUndefined();
    expect(macFromOctets('52:54:00:12:34:56')).toBeUndefined();
    // some agents write the MAC as text into the octet string
    for (const text of ['52:54:00:AB:CD:EF', '52-54-00-ab-cd-ef', '5254.00ab.cdef', '525400ABCDEF']) {
      expect(macFromOctets(Buffer.from(text))).toBe('52:54:00:ab:cd:ef');
    }
    for (const notMac of ['52:54-00:12:34:56', '5254:0012:3456', '52:54:00:12:34', 'eth0 52:54:00:12:34:56', '52545400123456', 'zz:54:00:12:34:56']) {
      expect(macFromOctets(Buffer.from(notMac))).toBeUndefined();
    }
    expect(dateFromOctets(Buffer.from([0x07, 0xe8, 11, 27, 10, 0, 0, 0]))).toBe('2024-11-27');
    expect(dateFromOctets(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
  });

  it.each([
    [[0x07, 0xe8, 2, 29, 10, 30, 0, 0], '2024-02-29'], // a leap year
    [[0x07, 0xe8, 12, 31, 23, 59, 59, 9, 0x2b, 1, 0], '2024-12-31'], // 11 octets, with a zone
    [[0x07, 0xe8, 2, 31, 10, 30, 0, 0], undefined], // no 31 February
    [[0x07, 0xe7, 2, 29, 10, 30, 0, 0], undefined], // 2023 is no leap year
    [[0x07, 0xe8, 4, 31, 0, 0, 0, 0], undefined],
    [[0x07, 0xe8, 13, 1, 0, 0, 0, 0], undefined],
    [[0x07, 0xe8, 0, 1, 0, 0, 0, 0], undefined],
    [[0x07, 0xe8, 1, 0, 0, 0, 0, 0], undefined],
    [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], undefined],
    [[0x07, 0xe8, 2], undefined],
  ])('reads the DateAndTime %j as %s, or as no date when there is no such day', (octets, date) => {
    expect(dateFromOctets(Buffer.from(octets))).toBe(date);
  });

  it('reads IPv4 and IPv6 addresses from bytes and from table indexes', () => {
    expect(ipFromBytes([10, 20, 0, 2])).toBe('10.20.0.2');
    expect(ipFromBytes(Buffer.from('20010db8002000000000000000000002', 'hex'))).toBe('2001:db8:20::2');
    expect(ipFromBytes(Buffer.from('00000000000000000000000000000001', 'hex'))).toBe('::1');
    expect(ipFromBytes([1, 2, 3])).toBeUndefined();
    // bytes from a table index are sub-identifiers: one past 255 is no address
    expect(ipFromBytes([10, 300, 0, 1])).toBeUndefined();
    expect(ipFromBytes([32, 1, 13, 184, 256, ...Array(11).fill(0), 7])).toBeUndefined();
    expect(ipFromBytes([32, 1, 13, 184, ...Array(11).fill(0), 300])).toBeUndefined();
    expect(ipFromIndex('2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.300'.split('.'))).toBeUndefined();
    expect(ipFromIndex('1.4.10.20.0.2'.split('.'))).toEqual({ ip: '10.20.0.2', rest: [] });
    expect(ipFromIndex('2.16.254.128.0.0.0.0.0.0.2.27.84.255.254.170.16.64'.split('.'))?.ip).toBe('fe80::21b:54ff:feaa:1040');
    expect(ipFromIndex('1.4.10.20.0.1.7'.split('.'))).toEqual({ ip: '10.20.0.1', rest: ['7'] });
    expect(ipFromIndex('4.20.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.2'.split('.'))).toBeUndefined(); // zoned
  });

  it('reads numbers from INTEGER, Gauge and Counter values, and a Counter64 only while a number holds it exactly', () => {
    expect(num(-5)).toBe(-5);
    expect(num(18342n)).toBe(18342);
    expect(num(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(num(2n ** 64n - 1n)).toBeNull();
    expect(num(Buffer.from('1000'))).toBeNull();
    expect(num('1000')).toBeNull();
  });

  it.each([
    [3000, 1860, '62%'],
    [100, 100, '100%'],
    [-2, -3, 'some remaining'],
    [3000, -2, 'level unknown'],
    [-1, 40, '40'],
  ])('says a supply level of %s / %s as %s', (max, level, said) => {
    expect(supplyLevel(max, level)).toBe(said);
  });
});

describe('program names and descriptions of 64 KiB (an agent padding a field to its buffer)', () => {
  /** milliseconds that `work` takes */
  const took = (work: () => unknown) => {
    const start = performance.now();
    work();
    return performance.now() - start;
  };

  it.each([
    ['spaces', `Hostile${' '.repeat(60_000)}1.0`, { name: 'Hostile', version: '1.0' }],
    ['spaces and no version', `Hostile${' '.repeat(60_000)}x`, undefined],
    ['tabs and spaces', `Hostile${' \t'.repeat(30_000)}(x64)`, { name: 'Hostile', version: '', architecture: 'x64' }],
    ['spaces before each parenthesis', ` (${'  ('.repeat(20_000)}`, undefined],
    ['parentheses', '(x64 '.repeat(12_000), undefined],
    ['version-like words', 'Tool 1.0 - '.repeat(6_000), undefined],
  ])('a name of %s is split in well under a second', (_, full, parts) => {
    let result: ReturnType<typeof splitSoftwareName> | undefined;
    expect(took(() => (result = splitSoftwareName(full)))).toBeLessThan(250);
    if (parts) expect(result).toEqual(parts);
  });
});

describe('a sysName as a host in a domain, or a name as it is', () => {
  it('splits a dotted DNS name only: an address or a label with a space is the whole name', () => {
    expect(['sw-core-01.corp.example', 'sw-core-01.corp.example.', 'printer_2f.lan'].map(dnsName)).toEqual([true, true, true]);
    // '192.0.2.15' set on a printer was stored as hostname "192"; "Printer v2.1" as "Printer v2"
    expect(['192.0.2.15', 'Printer v2.1', 'lab-sw01', '', null, 'host..example', 'a.-b.example', 'x.123'].map(dnsName)).toEqual([false, false, false, false, false, false, false, false]);
  });
});
