import { splitSoftwareName, macFromOctets, dateFromOctets } from './snmp.collector';

describe('SNMP value parsing', () => {
  it.each([
    ['adduser_3.134_all', { name: 'adduser', version: '3.134', architecture: 'all' }],
    ['libc6_2.36-9+deb12u9_amd64', { name: 'libc6', version: '2.36-9+deb12u9', architecture: 'amd64' }],
    ['openssh-server-8.7p1-38.el9.x86_64', { name: 'openssh-server', version: '8.7p1-38.el9', architecture: 'x86_64' }],
    ['Mozilla Firefox 128.0.3', { name: 'Mozilla Firefox', version: '128.0.3' }],
    ['Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33135', { name: 'Microsoft Visual C++ 2015-2022 Redistributable (x64)', version: '14.38.33135' }],
    ['Notepad++ (64-bit x64)', { name: 'Notepad++ (64-bit x64)', version: '' }],
  ])('splits %j', (full, parts) => {
    expect(splitSoftwareName(full)).toEqual(parts);
  });

  it('reads MACs and dates from octets', () => {
    expect(macFromOctets(Buffer.from([0x52, 0x54, 0, 0x12, 0x34, 0x56]))).toBe('52:54:00:12:34:56');
    expect(macFromOctets(Buffer.from([1, 2, 3]))).toBeUndefined();
    expect(macFromOctets('52:54:00:12:34:56')).toBeUndefined();
    expect(dateFromOctets(Buffer.from([0x07, 0xe8, 11, 27, 10, 0, 0, 0]))).toBe('2024-11-27');
    expect(dateFromOctets(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
  });
});
