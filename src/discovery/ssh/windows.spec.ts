import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseWindows, parseWindowsSoftware, WINDOWS_COMMAND } from './windows';

const output = fs.readFileSync(path.join(__dirname, 'fixtures', 'windows-thinkpad', 'inventory.json'), 'utf8');

describe('Windows over its built-in OpenSSH: a domain-joined ThinkPad', () => {
  const report = parseWindows(output, '10.30.12.87');

  it('identifies it by BIOS serial, its NICs\' MACs and its domain name', () => {
    expect(report.identity).toEqual({
      hostname: 'FIN-LT-0042', fqdn: 'fin-lt-0042.corp.example', serial: 'PF3KX7B2',
      macs: ['9c:2d:cd:41:7e:0a', 'f4:26:79:1b:c3:58', 'f4:26:79:1b:c3:5c'],
      addresses: ['10.30.12.87'],
    });
  });

  it('is a Lenovo laptop running Windows 11 Pro', () => {
    expect(report.device).toEqual({
      type: 'laptop', platform: 'windows', osFamily: 'windows', vendor: 'LENOVO', model: '21AHCTO1WW', osName: 'Microsoft Windows 11 Pro', osVersion: '10.0.22631',
    });
  });

  it('lists the processor, memory, the disk (not an empty card reader) and the installation\'s MachineGuid', () => {
    expect(report.hardware).toEqual([
      { kind: 'cpu', name: '12th Gen Intel(R) Core(TM) i7-1265U', manufacturer: 'Intel', cores: 10, speedMhz: 1800, slot: 'socket 0' },
      { kind: 'memory', name: 'total memory', capacityBytes: 34044276736 },
      { kind: 'disk', name: 'disk 0', model: 'SAMSUNG MZVL2512HCJQ-00BL7', serial: '0025_38B5_21C4_7A1D.', capacityBytes: 512105932800 },
      { kind: 'other', name: 'machine-id', serial: '5d8a6c1e-3f4b-4a27-9e0d-b1c2f7a83e64' },
    ]);
  });

  it('names adapters as Windows shows them, with link state, speed and IPv4/IPv6 addresses but no link-local', () => {
    expect(report.interfaces).toEqual([
      { name: 'Ethernet', description: 'Intel(R) Ethernet Connection (16) I219-LM', ifIndex: 1, mac: '9c:2d:cd:41:7e:0a', speedMbps: undefined, operStatus: 'down', addresses: [] },
      { name: 'WLAN', description: 'Intel(R) Wi-Fi 6E AX211 160MHz', ifIndex: 2, mac: 'f4:26:79:1b:c3:58', speedMbps: 867, operStatus: 'up', addresses: ['10.30.12.87'] },
      { name: 'Bluetooth-Netzwerkverbindung', description: 'Bluetooth Device (Personal Area Network)', ifIndex: 7, mac: 'f4:26:79:1b:c3:5c', speedMbps: 3, operStatus: 'down', addresses: [] },
    ]);
  });

  it('lists software from both hives with architecture, non-ASCII names intact, each once', () => {
    expect(report.software).toHaveLength(13);
    expect(report.software).toContainEqual({ name: '微信', version: '3.9.10.19', publisher: '腾讯科技(深圳)有限公司', architecture: 'x86', installDate: '2024-04-01' });
    expect(report.software).toContainEqual({ name: 'Intel® Graphics Command Center', version: '1.100.5185.0', publisher: 'Intel Corporation', architecture: 'x64', installDate: '2024-02-12' });
    // PowerShell 5.1 escapes & < > ' in JSON; a malformed install date is dropped, not stored
    expect(report.software).toContainEqual({ name: 'AT&T Global Network Client', version: '10.0.2', publisher: 'AT&T', architecture: 'x86', installDate: undefined });
    expect(report.software).toContainEqual({ name: 'Kärcher Fleet Connect <Beta>', version: '2.1', publisher: 'Alfred Kärcher SE & Co. KG', architecture: 'x86', installDate: undefined });
    expect(report.software!.filter((s) => s.name === 'Mozilla Firefox (x64 de)')).toHaveLength(1);
  });
});

describe('Windows command and parsers', () => {
  it('sends the script so that it fits cmd.exe\'s command line and decodes back to PowerShell', () => {
    expect(WINDOWS_COMMAND.length).toBeLessThan(8191);
    const script = Buffer.from(WINDOWS_COMMAND.split(' ').pop()!, 'base64').toString('utf16le');
    expect(script).toContain('ConvertTo-Json -Depth 4 -Compress');
    expect(script).toContain('WOW6432Node');
    expect(script).toContain('[Console]::OutputEncoding');
    expect(script).toContain("mg=(Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Cryptography').MachineGuid");
  });

  it('reads a single item as PowerShell writes it (an object, not a list)', () => {
    const sw = parseWindowsSoftware({ DisplayName: 'Only One', DisplayVersion: '1.0', Hive: 'SOFTWARE' }, true);
    expect(sw).toEqual([{ name: 'Only One', version: '1.0', publisher: undefined, architecture: 'x64', installDate: undefined }]);
  });

  it('calls a Hyper-V guest a virtual machine and Windows Server a server', () => {
    const vm = parseWindows(JSON.stringify({ cs: { Name: 'APP01', Manufacturer: 'Microsoft Corporation', Model: 'Virtual Machine', PCSystemType: 1 }, os: { ProductType: 3 } }), '10.0.0.4');
    expect(vm.device!.type).toBe('virtual-machine');
    const server = parseWindows(JSON.stringify({ cs: { Name: 'DC01', Manufacturer: 'HPE', Model: 'ProLiant DL360 Gen10', PCSystemType: 4 }, os: { ProductType: 2 } }), '10.0.0.5');
    expect(server.device!.type).toBe('server');
    expect(server.software).toBeUndefined();
  });

  it('refuses output that is not the script\'s JSON', () => {
    expect(() => parseWindows("'powershell' is not recognized as an internal or external command,\r\n", '10.0.0.6')).toThrow(/no JSON/);
  });

  it.each([
    ['20240115', '2024-01-15'],
    [20240115, '2024-01-15'], // REG_DWORD
    ['0', undefined],
    ['99999999', undefined],
    ['20240231', undefined], // no 31st of February: the database refuses such a date
    ['20230229', undefined],
    ['99991231', undefined], // after the scan
    ['00000101', undefined],
    ['15.01.2024', undefined], // an installer that wrote the date in its own locale
  ])('registry InstallDate %j is installed on %j', (installDate, expected) => {
    const [sw] = parseWindowsSoftware([{ DisplayName: 'Contoso Agent', DisplayVersion: '4.2', Publisher: 'Contoso', InstallDate: installDate, Hive: 'SOFTWARE' }], true);
    expect(sw).toEqual({ name: 'Contoso Agent', version: '4.2', publisher: 'Contoso', architecture: 'x64', installDate: expected });
  });

  it.each([
    ['an ASRock board', 'To Be Filled By O.E.M.', 'To Be Filled By O.E.M.', 'To Be Filled By O.E.M.', { vendor: undefined, model: undefined }, undefined],
    ['an ASUS board', 'System manufacturer', 'System Product Name', 'System Serial Number', { vendor: undefined, model: undefined }, undefined],
    ['a Gigabyte board', 'Gigabyte Technology Co., Ltd.', 'B550 AORUS ELITE V2', 'Default string', { vendor: 'Gigabyte Technology Co., Ltd.', model: 'B550 AORUS ELITE V2' }, undefined],
    ['a Dell', 'Dell Inc.', 'OptiPlex 7010', '7XK2Q53', { vendor: 'Dell Inc.', model: 'OptiPlex 7010' }, '7XK2Q53'],
  ])('leaves out the placeholders of %s', (_board, manufacturer, model, serial, device, expectedSerial) => {
    const doc = JSON.parse(output);
    Object.assign(doc.cs, { Manufacturer: manufacturer, Model: model, PCSystemType: 1 });
    doc.bios.SerialNumber = serial;
    const r = parseWindows(JSON.stringify(doc), '192.0.2.60');
    expect(r.device).toMatchObject({ ...device, type: 'workstation' });
    expect(r.identity.serial).toBe(expectedSerial);
  });

  it('caps a 70,000-character DisplayName, reads a numeric DisplayVersion, and keeps an adapter without a MAC', () => {
    const doc = JSON.parse(output);
    doc.sw.push({ DisplayName: `Contoso ${'Updater '.repeat(8750)}`, DisplayVersion: 7, Publisher: 'Contoso', InstallDate: null, Hive: 'SOFTWARE' });
    doc.nic.push({ Index: 12, NetConnectionID: 'VPN', Name: 'Contoso VPN Adapter', MACAddress: null, Speed: null, NetEnabled: true });
    const r = parseWindows(JSON.stringify(doc), '192.0.2.87');
    const long = r.software!.find((s) => s.name.startsWith('Contoso'))!;
    expect(long.name).toHaveLength(255);
    expect(long.version).toBe('7');
    expect(r.interfaces!.find((i) => i.name === 'VPN')).toEqual({ name: 'VPN', description: 'Contoso VPN Adapter', ifIndex: 12, mac: undefined, speedMbps: undefined, operStatus: 'up', addresses: [] });
    expect(r.software).toHaveLength(14);
  });

  it('reads the inventory after what a PowerShell profile printed first (OpenSSH\'s DefaultShell loads it)', () => {
    const greeting = 'Welcome [CORP\\anna.berg] - {Finance} profile loaded\r\nLast logon: 05/13/2024 08:12:44\r\n';
    const r = parseWindows(`${greeting}${output.trim()}\r\n`, '192.0.2.87');
    expect(r.identity).toMatchObject({ hostname: 'FIN-LT-0042', serial: 'PF3KX7B2' });
    expect(r.software).toHaveLength(13);
  });

  it('keeps the hardware and ports it knew when WMI does not answer (a corrupt repository), and still lists the software', () => {
    // Get-CimInstance failed for every class; the registry still answered
    const doc = JSON.parse(output);
    Object.assign(doc, { cs: null, bios: null, os: null, cpu: [], disk: [], nic: [], ip: [], hn: 'FIN-LT-0042' });
    const r = parseWindows(JSON.stringify(doc), '192.0.2.87');
    // empty lists would be every processor, disk and adapter of the PC removed
    expect(r).not.toHaveProperty('hardware');
    expect(r).not.toHaveProperty('interfaces');
    expect(r.identity).toMatchObject({ hostname: 'FIN-LT-0042', addresses: ['192.0.2.87'] });
    expect(r.software).toHaveLength(13);
    expect(r.device).toMatchObject({ platform: 'windows', osFamily: 'windows' });
  });

  it('prints the computer name apart from WMI', () => {
    const script = Buffer.from(WINDOWS_COMMAND.split(' ').pop()!, 'base64').toString('utf16le');
    expect(script).toContain('hn=$env:COMPUTERNAME');
  });
});
