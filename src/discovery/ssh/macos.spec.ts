import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseApps, parseMacos, sizeBytes } from './macos';

const f = (file: string) => fs.readFileSync(path.join(__dirname, 'fixtures', 'macos-mbp-m1pro', file), 'utf8');

describe('macOS over SSH: an Apple silicon MacBook Pro', () => {
  const report = parseMacos({
    swVers: f('sw_vers.txt'), hostname: f('hostname.txt'), profiler: f('system_profiler.json'), apps: f('apps.txt'), receipts: f('receipts.txt'),
  }, '10.8.0.112');

  it('identifies it by serial, Wi-Fi and USB Ethernet MACs, and its host name without .local', () => {
    expect(report.identity).toEqual({
      hostname: 'Annas-MacBook-Pro', serial: 'C02G7XYZMD6T',
      macs: ['a4:83:e7:5c:21:9d', '00:e0:4c:68:0a:b1'],
      addresses: ['10.8.0.112', '192.168.178.57'],
    });
  });

  it('is an Apple laptop running macOS 14.4.1', () => {
    expect(report.device).toEqual({
      type: 'laptop', platform: 'macos', osFamily: 'macos', vendor: 'Apple', model: 'MacBook Pro (MacBookPro18,3)', osName: 'macOS', osVersion: '14.4.1',
    });
  });

  it('lists the chip with all its cores, the memory, and each physical drive once', () => {
    expect(report.hardware).toEqual([
      { kind: 'cpu', name: 'Apple M1 Pro', manufacturer: 'Apple', cores: 10, speedMhz: undefined, slot: 'socket 0' },
      { kind: 'memory', name: 'total memory', capacityBytes: 16 * 2 ** 30 },
      { kind: 'disk', name: 'APPLE SSD AP0512R', model: 'APPLE SSD AP0512R', capacityBytes: 494384795648 },
      { kind: 'disk', name: 'Samsung PSSD T7', model: 'Samsung PSSD T7', capacityBytes: 2000189177856 },
    ]);
  });

  it('lists network services with their interface names, the bridge without a MAC', () => {
    expect(report.interfaces).toEqual([
      { name: 'en0', description: 'Wi-Fi', mac: 'a4:83:e7:5c:21:9d', addresses: ['192.168.178.57'] },
      { name: 'en7', description: 'USB 10/100/1000 LAN', mac: '00:e0:4c:68:0a:b1', addresses: ['10.8.0.112'] },
      { name: 'bridge0', description: 'Thunderbolt Bridge', mac: undefined, addresses: [] },
    ]);
  });

  it('lists applications with their versions, and receipts only for what has no application', () => {
    const names = report.software!.map((s) => s.name);
    expect(names).toEqual([
      '1Password', 'Firefox', 'Google Chrome', 'Microsoft Word', 'Microsoft Excel', 'Safari', 'Slack', 'Adobe Creative Cloud Cleaner Tool', 'Xcode', 'Übersicht', 'zoom.us', 'Docker',
      'com.microsoft.package.Microsoft_AutoUpdate.app', 'org.python.Python.PythonFramework-3.12', 'com.wireguard.macos',
    ]);
    expect(report.software).toContainEqual({ name: 'zoom.us', version: '6.0.2 (33403)' });
    expect(report.software).toContainEqual({ name: 'Adobe Creative Cloud Cleaner Tool', version: undefined });
    expect(report.software).toContainEqual({ name: 'org.python.Python.PythonFramework-3.12', version: '3.12.3', installDate: '2024-04-12' });
  });

  it('leaves hardware, interfaces and software out when their commands gave nothing usable', () => {
    const r = parseMacos({ swVers: f('sw_vers.txt'), profiler: 'system_profiler: command timed out', apps: f('apps.txt') }, '10.8.0.112');
    expect(r.hardware).toBeUndefined();
    expect(r.interfaces).toBeUndefined();
    expect(r.software).toBeUndefined();
    expect(r.device).toMatchObject({ osName: 'macOS', osVersion: '14.4.1' });
  });
});

describe('macOS parsers', () => {
  it.each([
    ['16 GB', 16 * 2 ** 30], ['8 GB', 8 * 2 ** 30], ['512 MB', 512 * 2 ** 20], ['1,5 TB', 1.5 * 2 ** 40], ['lots', undefined],
  ])('memory %s', (text, bytes) => {
    expect(sizeBytes(text)).toBe(bytes);
  });

  it('reads an Intel Mac\'s processor speed in the Mac\'s own locale', () => {
    const profiler = JSON.stringify({ SPHardwareDataType: [{ machine_name: 'iMac', machine_model: 'iMac20,1', cpu_type: '6-Core Intel Core i5', current_processor_speed: '3,1 GHz', number_processors: 6, physical_memory: '32 GB', serial_number: 'C02DG1ABCDEF' }], SPNetworkDataType: [], SPStorageDataType: [] });
    const r = parseMacos({ profiler }, '10.0.0.9');
    expect(r.device).toMatchObject({ type: 'workstation', model: 'iMac (iMac20,1)' });
    expect(r.hardware![0]).toEqual({ kind: 'cpu', name: '6-Core Intel Core i5', manufacturer: 'Intel', cores: 6, speedMhz: 3100, slot: 'socket 0' });
  });

  it('skips lines that are not application bundles', () => {
    expect(parseApps('/Applications/Notes.txt\t\t\n\n/Applications/Numbers.app\t13.2\tcom.apple.iWork.Numbers\n')).toEqual([{ name: 'Numbers', version: '13.2', bundleId: 'com.apple.iWork.Numbers' }]);
  });

  it('keeps a Mac whose installer receipt carries an impossible install time, and drops only that date', () => {
    // a receipt written with a broken clock, or a hand-made one: pkgutil prints what the plist says
    const receipts = `${f('receipts.txt')}\npackage-id: com.example.vpn.agent\nversion: 2.4.1\nvolume: /\nlocation: /\ninstall-time: 253402300800000\n\npackage-id: com.example.printer.driver\nversion: 5.1\nvolume: /\nlocation: /\ninstall-time: 4102444800\n`;
    const r = parseMacos({ swVers: f('sw_vers.txt'), hostname: f('hostname.txt'), profiler: f('system_profiler.json'), apps: f('apps.txt'), receipts }, '192.0.2.112');
    expect(r.identity.serial).toBe('C02G7XYZMD6T');
    expect(r.software).toContainEqual({ name: 'com.example.vpn.agent', version: '2.4.1', installDate: undefined });
    // 2100-01-01: after the scan that read it
    expect(r.software).toContainEqual({ name: 'com.example.printer.driver', version: '5.1', installDate: undefined });
    expect(r.software).toContainEqual({ name: 'org.python.Python.PythonFramework-3.12', version: '3.12.3', installDate: '2024-04-12' });
  });

  const withProfile = (edit: (doc: Record<string, unknown>) => void) => {
    const doc = JSON.parse(f('system_profiler.json'));
    edit(doc);
    return parseMacos({ swVers: f('sw_vers.txt'), hostname: f('hostname.txt'), profiler: JSON.stringify(doc, null, 2), apps: f('apps.txt'), receipts: f('receipts.txt') }, '192.0.2.112');
  };

  it('leaves out only the part whose data type system_profiler did not answer (it skips one that crashes or passes its time-out)', () => {
    const noNetwork = withProfile((d) => delete d.SPNetworkDataType);
    // an empty list would be every port of the Mac removed; its MACs are not there to match by either
    expect(noNetwork).not.toHaveProperty('interfaces');
    expect(noNetwork.hardware).toHaveLength(4);
    expect(noNetwork.identity).toMatchObject({ serial: 'C02G7XYZMD6T', hostname: 'Annas-MacBook-Pro' });

    // without the storage answer the hardware list would lack both drives; without the hardware answer, the chip and memory
    expect(withProfile((d) => delete d.SPStorageDataType)).not.toHaveProperty('hardware');
    const noHardware = withProfile((d) => delete d.SPHardwareDataType);
    expect(noHardware).not.toHaveProperty('hardware');
    expect(noHardware.interfaces).toHaveLength(3);
    expect(noHardware.software).toHaveLength(15);
  });

  it('reads the memory of a Mac set to French (Go) or Russian (ГБ)', () => {
    const memoryOf = (text: string) => withProfile((d) => { (d.SPHardwareDataType as Array<Record<string, unknown>>)[0].physical_memory = text; }).hardware!.find((h) => h.kind === 'memory')?.capacityBytes;
    expect(memoryOf('16 Go')).toBe(16 * 2 ** 30);
    expect(memoryOf('512 Mo')).toBe(512 * 2 ** 20);
    expect(memoryOf('32 ГБ')).toBe(32 * 2 ** 30);
    expect(memoryOf('beaucoup')).toBeUndefined();
  });
});
