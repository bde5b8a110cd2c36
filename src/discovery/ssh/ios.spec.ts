import * as fs from 'node:fs';
import * as path from 'node:path';
import { isIosRejection, parseIos, parseShowInterfaces, parseShowInventory, parseShowVersion } from './ios';

const unit = (dir: string, file: string) => fs.readFileSync(path.join(__dirname, 'fixtures', dir, file), 'utf8');
// the lab's emulated router serves these same files over SSH
const lab = (file: string) => fs.readFileSync(path.join(__dirname, '../../../test/lab/fixtures/ios', file), 'utf8');

describe('Cisco IOS XE over SSH: an ISR 4331 router', () => {
  const report = parseIos({ version: lab('show-version.txt'), inventory: lab('show-inventory.txt'), interfaces: lab('show-interfaces.txt') }, '172.16.99.11');

  it('identifies it by chassis serial, host name and the burned-in MACs of its ports', () => {
    expect(report.identity).toEqual({
      hostname: 'lab-rtr01', serial: 'FDO2213A0GL',
      macs: ['70:ea:1a:5c:3e:10', '70:ea:1a:5c:3e:11', '70:ea:1a:5c:3e:12', '70:ea:1a:5c:3e:1f'],
      addresses: ['172.16.99.11', '192.0.2.2', '10.10.0.1', '10.255.0.1'],
    });
  });

  it('is a Cisco router with its model and IOS XE version', () => {
    expect(report.device).toEqual({
      vendor: 'Cisco', type: 'router', platform: 'cisco-ios', osFamily: 'network-os', model: 'ISR4331/K9', osName: 'Cisco IOS XE', osVersion: '17.09.04a',
    });
  });

  it('lists memory and the serial-numbered parts, not the chassis again', () => {
    expect(report.hardware).toEqual([
      { kind: 'memory', name: 'total memory', capacityBytes: 4194304 * 1024 },
      { kind: 'other', name: '250W AC Power Supply for Cisco ISR 4330', model: 'PWR-4330-AC', serial: 'PST2211A1BC', slot: 'Power Supply Module 0' },
      { kind: 'other', name: 'GE T', model: 'GLC-TE', serial: 'AGM2218L0QZ', slot: 'subslot 0/0 transceiver 2' },
      { kind: 'other', name: 'Cisco ISR4331 Route Processor', model: 'ISR4331/K9', serial: 'FOC22125K3M', slot: 'module R0' },
    ]);
  });

  it('reads ports with description, state, speed, MTU and address', () => {
    expect(report.interfaces).toEqual([
      { name: 'GigabitEthernet0/0/0', description: 'WAN uplink to ISP (circuit 4711-0815)', mac: '70:ea:1a:5c:3e:10', adminStatus: 'up', operStatus: 'up', mtu: 1500, speedMbps: 1000, addresses: ['192.0.2.2'] },
      { name: 'GigabitEthernet0/0/1', description: 'LAN core', mac: '70:ea:1a:5c:3e:11', adminStatus: 'up', operStatus: 'up', mtu: 1500, speedMbps: 1000, addresses: ['10.10.0.1'] },
      { name: 'GigabitEthernet0/0/2', mac: '70:ea:1a:5c:3e:12', adminStatus: 'down', operStatus: 'down', mtu: 1500, speedMbps: 1000, addresses: [] },
      { name: 'GigabitEthernet0', description: 'OOB management', mac: '70:ea:1a:5c:3e:1f', adminStatus: 'up', operStatus: 'up', mtu: 1500, speedMbps: 100, addresses: ['172.16.99.11'] },
      { name: 'Loopback0', description: 'router id', adminStatus: 'up', operStatus: 'up', mtu: 1514, speedMbps: 8000, addresses: ['10.255.0.1'] },
    ]);
  });

  it('reads the uptime from show version', () => {
    expect(parseShowVersion(lab('show-version.txt')).uptime).toBe('12 weeks, 3 days, 4 hours, 17 minutes');
  });
});

describe('Cisco IOS XE over SSH: a stack of two Catalyst 9300', () => {
  const f = (file: string) => unit('ios-c9300', file);
  const report = parseIos({ version: f('show-version.txt'), inventory: f('show-inventory.txt'), interfaces: f('show-interfaces.txt') }, '172.16.99.2');

  it('is a switch, identified by the active member\'s serial', () => {
    expect(report.device).toMatchObject({ type: 'switch', model: 'C9300-24T', osName: 'Cisco IOS XE', osVersion: '17.09.05' });
    expect(report.identity.serial).toBe('FOC2424L0XY');
    expect(report.identity.macs).toContain('4c:e1:76:2b:9a:00');
  });

  it('lists the second member, power supplies, the uplink module and optics as parts', () => {
    expect(report.hardware!.map((h) => [h.slot, h.serial])).toEqual([
      [undefined, undefined],
      ['Switch 1 - Power Supply A', 'DTN2419V2PQ'],
      ['Switch 1 FRU Uplink Module 1', 'FOC24196TK0'],
      ['Te1/1/1', 'AVD2211K3LM'],
      ['Switch 2', 'FOC2424L1ZZ'],
      ['Switch 2 - Power Supply A', 'DTN2419V3AB'],
    ]);
    expect(report.hardware![0]).toEqual({ kind: 'memory', name: 'total memory', capacityBytes: 8388608 * 1024 });
  });

  it('reads SVIs, negotiated speeds (1000Mb/s, 10Gb/s) and unconnected ports', () => {
    const byName = new Map(report.interfaces!.map((i) => [i.name, i]));
    expect(byName.get('Vlan1')).toMatchObject({ adminStatus: 'down', operStatus: 'down' });
    expect(byName.get('Vlan20')).toMatchObject({ description: 'servers', addresses: ['10.20.0.2'] });
    expect(byName.get('GigabitEthernet1/0/1')).toMatchObject({ speedMbps: 1000, mtu: 9198, operStatus: 'up' });
    expect(byName.get('GigabitEthernet1/0/2')).toMatchObject({ speedMbps: 10, adminStatus: 'up', operStatus: 'down' });
    expect(byName.get('TenGigabitEthernet1/1/1')).toMatchObject({ speedMbps: 10000, description: 'uplink dist-sw01 Te1/0/48' });
  });
});

describe('Cisco IOS over SSH: an ISR 2911 (ISR G2), whose show version says no "processor"', () => {
  const version = unit('ios-isr2911', 'show-version.txt');

  it('is a Cisco router with its model, serial and IOS version', () => {
    const r = parseIos({ version }, '10.4.0.1');
    expect(r.device).toEqual({ vendor: 'Cisco', type: 'router', platform: 'cisco-ios', osFamily: 'network-os', model: 'CISCO2911/K9', osName: 'Cisco IOS', osVersion: '15.7(3)M8' });
    expect(r.identity).toMatchObject({ hostname: 'br-rtr02', serial: 'FTX1840ALCK' });
  });

  it('lists its memory: main and I/O memory together, the 512 MB of DRAM fitted', () => {
    expect(parseIos({ version, inventory: '' }, '10.4.0.1').hardware).toEqual([{ kind: 'memory', name: 'total memory', capacityBytes: (491520 + 32768) * 1024 }]);
  });

  it.each([
    ['an ISR 1941', 'Cisco CISCO1941/K9 (revision 1.0) with 487424K/36864K bytes of memory.', 'CISCO1941/K9', 487424 + 36864],
    ['an ISR 2821 (ISR G1)', 'Cisco 2821 (revision 53.51) with 249856K/12288K bytes of memory.', '2821', 249856 + 12288],
    ['a C891F', 'Cisco C891F-K9 (revision 1.0) with 488524K/35764K bytes of memory.', 'C891F-K9', 488524 + 35764],
    // the forms with "processor" read as before
    ['a Catalyst 2960-X', 'cisco WS-C2960X-48FPD-L (APM86XXX) processor (revision B0) with 524288K bytes of memory.', 'WS-C2960X-48FPD-L', 524288],
    ['an ISR 4331 without the physical memory line', 'cisco ISR4331/K9 (1RU) processor with 1795979K/6147K bytes of memory.', 'ISR4331/K9', 1795979 + 6147],
    ['a 7206VXR', 'Cisco 7206VXR (NPE-G2) processor (revision A) with 917504K/65536K bytes of memory.', '7206VXR', 917504 + 65536],
  ])('reads the model and memory of %s', (_name, line, model, memoryKb) => {
    const v = parseShowVersion(version.replace(/^Cisco CISCO2911\/K9 .*$/m, line));
    expect(v).toMatchObject({ model, memoryBytes: memoryKb * 1024, serial: 'FTX1840ALCK' });
  });
});

describe('Cisco IOS over SSH: switches outside the best-known families', () => {
  it('reads a Catalyst 3560-CX as a switch', () => {
    const r = parseIos({ version: unit('ios-c3560cx', 'show-version.txt') }, '10.2.0.11');
    expect(r.device).toEqual({ vendor: 'Cisco', type: 'switch', platform: 'cisco-ios', osFamily: 'network-os', model: 'WS-C3560CX-12PC-S', osName: 'Cisco IOS', osVersion: '15.2(7)E4' });
    expect(r.identity).toMatchObject({ hostname: 'floor2-sw01', serial: 'FOC2133Y0NE', macs: ['00:a7:42:1b:6c:00'] });
  });
});

describe('Cisco IOS parsers', () => {
  it('reads classic IOS 15 show version on a Catalyst 2960-X', () => {
    const v = parseShowVersion(unit('ios-c2960x', 'show-version.txt'));
    expect(v).toMatchObject({
      hostname: 'acc-sw03', osName: 'Cisco IOS', osVersion: '15.2(7)E8', model: 'WS-C2960X-24PS-L', serial: 'FOC2209S1AB',
      baseMac: '70:18:a7:3c:5e:80', memoryBytes: 524288 * 1024, uptime: '1 year, 8 weeks, 2 days, 3 hours, 41 minutes',
    });
    expect(parseIos({ version: unit('ios-c2960x', 'show-version.txt') }, '10.1.1.3').device).toMatchObject({ type: 'switch', model: 'WS-C2960X-24PS-L' });
  });

  it('falls back to show version\'s serial and model when show inventory is missing, and leaves parts out', () => {
    const r = parseIos({ version: lab('show-version.txt') }, '192.0.2.1');
    expect(r.identity.serial).toBe('FDO2213A0GL');
    expect(r.device!.model).toBe('ISR4331/K9');
    expect(r.hardware).toBeUndefined();
    expect(r.interfaces).toBeUndefined();
  });

  it.each([
    ["% Invalid input detected at '^' marker.", true],
    ["        ^\n% Invalid input detected at '^' marker.\n", true],
    ['% Unknown command or computer name, or unable to find computer address', true],
    ['% Ambiguous command:  "sh i"', true],
    ["                     ^\n% Invalid command at '^' marker.\n", true], // NX-OS
    ["terminal length 0\n         ^\nERROR: % Invalid input detected at '^' marker.\n", true], // the ASA
    ['ERROR: disk full', false],
    ['Linux', false],
    ['100% Invalid input rate', false],
  ])('%j is IOS refusing a command: %s', (text, expected) => {
    expect(isIosRejection(text)).toBe(expected);
  });

  it('ignores text that is not inventory items, and caps what it reads', () => {
    expect(parseShowInventory('garbage\nNAME: "x"\n')).toEqual([]);
    expect(parseShowInterfaces(`${'Gi1 is up, line protocol is up\n'.repeat(5000)}`)).toHaveLength(4096);
  });

  it('reads inventory items whose quoted fields have quotes inside, and loses no part over them', () => {
    // a third-party optic's description and a module named with its own quotes
    const inventory = lab('show-inventory.txt')
      .replace('DESCR: "GE T"', 'DESCR: "1000BASE-T SFP "Cisco compatible" 100m"')
      .replace('NAME: "Power Supply Module 0"', 'NAME: "Power Supply Module 0 "PS0""');
    const r = parseIos({ version: lab('show-version.txt'), inventory, interfaces: lab('show-interfaces.txt') }, '192.0.2.11');
    expect(r.identity.serial).toBe('FDO2213A0GL');
    expect(r.hardware).toEqual([
      { kind: 'memory', name: 'total memory', capacityBytes: 4194304 * 1024 },
      { kind: 'other', name: '250W AC Power Supply for Cisco ISR 4330', model: 'PWR-4330-AC', serial: 'PST2211A1BC', slot: 'Power Supply Module 0 "PS0"' },
      { kind: 'other', name: '1000BASE-T SFP "Cisco compatible" 100m', model: 'GLC-TE', serial: 'AGM2218L0QZ', slot: 'subslot 0/0 transceiver 2' },
      { kind: 'other', name: 'Cisco ISR4331 Route Processor', model: 'ISR4331/K9', serial: 'FOC22125K3M', slot: 'module R0' },
    ]);
  });
});

describe('Cisco over SSH: what is not IOS is not called IOS', () => {
  it('reads an ASA (same SSH server as IOS) as a Cisco ASA firewall, with its own host name, model and serial', () => {
    const f = (file: string) => unit('asa-5516x', file);
    const r = parseIos({ version: f('show-version.txt'), inventory: f('show-inventory.txt'), interfaces: f('show-interfaces.txt') }, '192.0.2.1');
    expect(r.device).toEqual({ vendor: 'Cisco', type: 'firewall', platform: 'other', osFamily: 'network-os', model: 'ASA5516', osName: 'Cisco ASA', osVersion: '9.16(4)' });
    expect(r.identity).toEqual({ hostname: 'edge-fw01', serial: 'JAD2107104Y', macs: [], addresses: ['192.0.2.1'] });
    expect(r.hardware).toEqual([
      { kind: 'memory', name: 'total memory', capacityBytes: 8192 * 2 ** 20 },
      { kind: 'other', name: 'ASA 5516-X SSD', model: 'ASA5516-SSD', serial: 'MSA21390A7K', slot: 'Storage Device 1' },
    ]);
    // the ASA refused "show interfaces": what it said is no list of ports, nor is an empty one
    expect(r).not.toHaveProperty('interfaces');
  });

  it('reads a Nexus as NX-OS: its device name, not "Kernel" (from "Kernel uptime is"), and no fan serial "N/A"', () => {
    const f = (file: string) => unit('nxos-n9k-93180', file);
    const r = parseIos({ version: f('show-version.txt'), inventory: f('show-inventory.txt'), interfaces: f('show-interfaces.txt') }, '192.0.2.30');
    expect(r.device).toEqual({ vendor: 'Cisco', type: 'switch', platform: 'cisco-nxos', osFamily: 'network-os', model: 'N9K-C93180YC-EX', osName: 'Cisco NX-OS', osVersion: '9.3(8)' });
    expect(r.identity).toMatchObject({ hostname: 'nx-leaf01', serial: 'FDO21120U8V' });
    expect(r.hardware).toEqual([
      { kind: 'memory', name: 'total memory', capacityBytes: 24632252 * 1024 },
      { kind: 'other', name: 'Nexus9000 C93180YC-EX chassis Power Supply', model: 'NXA-PAC-650W-PE', serial: 'LIT21250A1B', slot: 'Power Supply 1' },
      { kind: 'other', name: 'Nexus9000 C93180YC-EX chassis Power Supply', model: 'NXA-PAC-650W-PE', serial: 'LIT21250A2C', slot: 'Power Supply 2' },
      { kind: 'other', name: 'CISCO-FINISAR', model: 'QSFP-100G-SR4-S', serial: 'FNS22140AB7', slot: 'Ethernet1/49' },
    ]);
    // NX-OS words its ports differently: only the SVIs would match IOS's pattern, a list missing every port
    expect(r).not.toHaveProperty('interfaces');
  });

  it('reads IOS XR as IOS XR, without taking "System" (from "System uptime is") for its host name', () => {
    const xr = 'Cisco IOS XR Software, Version 7.3.2\nCopyright (c) 2013-2021 by Cisco Systems, Inc.\n\nBuild Information:\n Built By     : ingunawa\n Built On     : Wed Oct 13 20:00:57 PDT 2021\n Version      : 7.3.2\n Label        : 7.3.2\n\ncisco ASR9K () processor\nSystem uptime is 12 weeks 3 days 4 hours 17 minutes\n';
    const r = parseIos({ version: xr }, '192.0.2.7');
    expect(r.device).toMatchObject({ platform: 'other', osName: 'Cisco IOS XR', osVersion: '7.3.2', type: 'router' });
    expect(r.identity.hostname).toBeUndefined();
  });

  it.each([
    ['IOS 12 on a Catalyst 2950', 'Cisco Internetwork Operating System Software \nIOS (tm) C2950 Software (C2950-I6Q4L2-M), Version 12.1(22)EA14, RELEASE SOFTWARE (fc1)\nCopyright (c) 1986-2010 by cisco Systems, Inc.\n\nsw-old uptime is 3 years, 2 weeks\ncisco WS-C2950-24 (RC32300) processor (revision R0) with 19911K bytes of memory.\nProcessor board ID FOC0903W1QZ\n',
      { type: 'switch', platform: 'cisco-ios', osName: 'Cisco IOS', osVersion: '12.1(22)EA14', model: 'WS-C2950-24' }],
    ['IOS XE 3 on a Catalyst 3850', 'Cisco IOS Software, IOS-XE Software, Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M), Version 03.06.06E RELEASE SOFTWARE (fc1)\nsw3850 uptime is 1 week, 2 days\n',
      { platform: 'cisco-ios', osName: 'Cisco IOS XE', osVersion: '03.06.06E' }],
  ])('names the OS of %s', (_name, version, expected) => {
    expect(parseIos({ version }, '192.0.2.5').device).toMatchObject(expected);
  });

  it('says nothing of the platform of a Cisco box whose show version it does not know (a CBS350), rather than IOS', () => {
    const cbs = '\nActive-image: flash://system/images/image_cbs_ros_3.0.0.69_release_cisco_signed.bin\n  Version: 3.0.0.69\n  MD5 Digest: 27d7bce1e1c3f5a0a8d3a47a1d6f7c43\n  Date: 09-Dec-2020\n  Time: 22:13:08\n';
    const r = parseIos({ version: cbs, interfaces: 'gi1/0/1 is up, line protocol is up\n' }, '192.0.2.8');
    expect(r.device).toEqual({ vendor: 'Cisco', type: undefined, platform: undefined, osFamily: 'network-os', model: undefined, osName: undefined, osVersion: undefined });
    expect(r).not.toHaveProperty('interfaces');
  });

  it('is not fooled by a login banner that talks of IOS or uptime ahead of show version', () => {
    const banner = '\nAuthorised access only. This Cisco IOS Software, Version 15 device is monitored.\nNetwork uptime is our priority: report faults to the NOC.\n\n';
    const v = parseShowVersion(banner + unit('ios-c2960x', 'show-version.txt'));
    expect(v).toMatchObject({ hostname: 'acc-sw03', osName: 'Cisco IOS', osVersion: '15.2(7)E8' });
  });
});

describe('show inventory of a large chassis', () => {
  it('keeps every part with a serial, past 256 (8 line cards of 36 optics)', () => {
    const blocks = ['NAME: "Chassis", DESCR: "Nexus9000 C9508 (8 Slot) Chassis"\nPID: N9K-C9508        , VID: V02 , SN: FOX2001X0AB\n'];
    for (let card = 1; card <= 8; card++) {
      blocks.push(`NAME: "Slot ${card}", DESCR: "36x40G Ethernet Module"\nPID: N9K-X9636PQ      , VID: V02 , SN: SAL2001${String(card).padStart(4, '0')}\n`);
      for (let port = 1; port <= 36; port++) blocks.push(`NAME: "Ethernet${card}/${port}", DESCR: "QSFP-40G-SR4"\nPID: QSFP-40G-SR4     , VID: V03 , SN: AVM${card}${String(port).padStart(5, '0')}\n`);
    }
    const report = parseIos({ version: 'Cisco Nexus Operating System (NX-OS) Software\n', inventory: `${blocks.join('\n')}\n` }, '192.0.2.9');
    const parts = (report.hardware ?? []).filter((h) => h.kind === 'other');
    // before: 256, the last Ethernet7/33; the other parts recorded as removed
    expect(parts).toHaveLength(8 + 8 * 36);
    expect(parts[parts.length - 1]).toMatchObject({ slot: 'Ethernet8/36', serial: 'AVM800036' });
  });
});
