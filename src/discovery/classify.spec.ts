import { classify, enterpriseOf } from './classify';

describe('classify', () => {
  it.each([
    [
      '1.3.6.1.4.1.9.1.1208',
      'Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)',
      { vendor: 'Cisco', type: 'switch', platform: 'cisco-ios', osName: 'Cisco IOS', osVersion: '15.2(7)E4' },
    ],
    [
      '1.3.6.1.4.1.9.1.2593',
      'Cisco IOS Software [Bengaluru], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.6.4, RELEASE SOFTWARE',
      { vendor: 'Cisco', type: 'router', platform: 'cisco-ios', osVersion: '17.6.4' },
    ],
    ['1.3.6.1.4.1.9.12.3.1.3.1812', 'Cisco NX-OS(tm) n9000, Software (n9000-dk9), Version 9.3(10), RELEASE SOFTWARE', { platform: 'cisco-nxos', type: 'switch', osVersion: '9.3(10)' }],
    ['1.3.6.1.4.1.2636.1.1.1.2.29', 'Juniper Networks, Inc. mx480 internet router, kernel JUNOS 21.4R3-S5.4', { vendor: 'Juniper', platform: 'junos', osVersion: '21.4R3-S5.4' }],
    ['1.3.6.1.4.1.30065.1.3011.7050.3741.64', 'Arista Networks EOS version 4.28.3M running on an Arista Networks DCS-7050SX-64', { vendor: 'Arista', platform: 'eos', osVersion: '4.28.3M' }],
    ['1.3.6.1.4.1.14988.1', 'RouterOS CCR2004-1G-12S+2XS', { vendor: 'MikroTik', platform: 'routeros', type: 'router', osName: 'RouterOS' }],
    ['1.3.6.1.4.1.2636.1.1.1.2.132', 'Juniper Networks, Inc. ex4300-48t Ethernet Switch, kernel JUNOS 18.4R2-S5, Build date: 2020-07-10 00:55:07 UTC', { vendor: 'Juniper', type: 'switch', platform: 'junos', osVersion: '18.4R2-S5' }],
    ['1.3.6.1.4.1.2636.1.1.1.2.82', 'Juniper Networks, Inc. qfx5120-48y-8c Ethernet Switch, kernel JUNOS 21.4R3-S5.4', { type: 'switch' }],
    ['1.3.6.1.4.1.2636.1.1.1.2.135', 'Juniper Networks, Inc. srx345 internet router, kernel JUNOS 20.4R3-S1.3', { type: 'firewall', platform: 'junos' }],
    ['1.3.6.1.4.1.9.6.1.95.28.5', 'SG350-28 28-Port Gigabit Managed Switch', { vendor: 'Cisco', type: 'switch', platform: 'other' }],
    ['1.3.6.1.4.1.9.1.283', 'Cisco IOS Software, s72033_rp Software (s72033_rp-ADVENTERPRISEK9-M), Version 15.1(2)SY16, RELEASE SOFTWARE (fc4)', { type: 'switch', platform: 'cisco-ios' }],
    ['1.3.6.1.4.1.9.1.1248', 'Cisco IOS Software, s2t54 Software (s2t54-ADVENTERPRISEK9-M), Version 15.5(1)SY10', { type: 'switch' }],
    ['1.3.6.1.4.1.14823.1.1.32', 'ArubaOS (MODEL: Aruba7030), Version 8.10.0.6 (86011)', { vendor: 'HPE Aruba', type: 'other', platform: 'other', osName: 'ArubaOS', osVersion: '8.10.0.6' }],
    ['1.3.6.1.4.1.14823.1.2.111', 'ArubaOS (MODEL: 515), Version 8.10.0.6', { type: 'access-point', platform: 'other' }],
    ['1.3.6.1.4.1.11.2.3.7.11.160', 'HP J9775A 2530-48G Switch, revision YA.16.10.0009, ROM YA.15.20 (/ws/swbuildm/rel_yakima_qaoff/code/build/lakes(swbuildm_rel_yakima_qaoff_rel_yakima))', { type: 'switch', platform: 'procurve' }],
    ['1.3.6.1.4.1.11.2.3.7.11.182', 'Aruba JL259A 2930F-24G-4SFP Switch, revision WC.16.10.0009, ROM WC.17.02.0008', { type: 'switch', platform: 'procurve' }],
    ['1.3.6.1.4.1.12356.101.1.1000', 'FortiGate-100F v7.2.5,build1517,230606', { vendor: 'Fortinet', type: 'firewall', osVersion: '7.2.5' }],
    ['1.3.6.1.4.1.11.2.3.9.1', 'HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI24090012', { vendor: 'HP' }],
    ['1.3.6.1.4.1.11.2.3.9.1', 'HP LaserJet Pro M404dn', { vendor: 'HP', type: 'printer', platform: 'printer' }],
    [
      '1.3.6.1.4.1.9.1.1208',
      'Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2021 by Cisco Systems, Inc.',
      { vendor: 'Cisco', type: 'switch', platform: 'cisco-ios', osFamily: 'network-os', osName: 'Cisco IOS', osVersion: '15.2(7)E4' },
    ],
    ['.1.3.6.1.4.1.9.1.1208', 'Cisco IOS Software, C2960X-UNIVERSALK9-M, Version 15.2(7)E4', { type: 'switch' }],
    ['1.3.6.1.4.1.11.2.3.9.1', 'HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI24090012,CIDATE 09/13/2019', { vendor: 'HP', type: 'printer', platform: 'printer', osFamily: 'embedded' }],
    ['1.3.6.1.4.1.11.2.3.9.1', 'HP Color LaserJet MFP M479fdw', { vendor: 'HP', type: 'printer', platform: 'printer' }],
    [
      '1.3.6.1.4.1.311.1.1.3.1.1',
      'Hardware: Intel64 Family 6 Model 158 Stepping 10 AT/AT COMPATIBLE - Software: Windows Version 6.3 (Build 19045 Multiprocessor Free)',
      { vendor: 'Microsoft', type: 'workstation', platform: 'windows', osFamily: 'windows', osName: 'Windows 10', osVersion: '10.0.19045' },
    ],
    ['1.3.6.1.4.1.311.1.1.3.1.1', 'Hardware: AMD64 Family 25 Model 80 Stepping 0 AT/AT COMPATIBLE - Software: Windows Version 6.3 (Build 22631 Multiprocessor Free)', { type: 'workstation', osName: 'Windows 11', osVersion: '10.0.22631' }],
    ['1.3.6.1.4.1.311.1.1.3.1.1', 'Hardware: Intel64 Family 6 Model 165 - Software: Windows Version 6.3 (Build 22000 Multiprocessor Free)', { osName: 'Windows 11', osVersion: '10.0.22000' }],
    ['1.3.6.1.4.1.311.1.1.3.1.1', 'Hardware: Intel64 Family 6 Model 165 - Software: Windows Version 6.3 (Build 21996 Multiprocessor Free)', { osName: 'Windows 10', osVersion: '10.0.21996' }],
    ['1.3.6.1.4.1.311.1.1.3.1.1', 'Hardware: x86 Family 6 Model 42 Stepping 7 AT/AT COMPATIBLE - Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)', { osName: 'Windows 7', osVersion: '6.1.7601' }],
    ['1.3.6.1.4.1.311.1.1.3.1.2', 'Hardware: Intel64 Family 6 Model 85 Stepping 7 AT/AT COMPATIBLE - Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)', { type: 'server', osName: 'Windows Server 2019', osVersion: '10.0.17763' }],
    ['1.3.6.1.4.1.311.1.1.3.1.3', 'Hardware: Intel64 Family 6 Model 106 - Software: Windows Version 6.3 (Build 20348 Multiprocessor Free)', { type: 'server', osName: 'Windows Server 2022' }],
    ['1.3.6.1.4.1.311.1.1.3.1.1', 'Microsoft Windows', { platform: 'windows', osName: 'Windows' }],
    ['1.3.6.1.4.1.8072.3.2.10', 'Linux lab-web01 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64', { platform: 'linux', osFamily: 'linux', osName: 'Linux', osVersion: '6.1.0-28-amd64' }],
    ['1.3.6.1.4.1.8072.3.2.10', 'Linux web-01 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64', { platform: 'linux', osFamily: 'linux', osName: 'Linux', osVersion: '6.1.0-28-amd64' }],
    ['1.3.6.1.4.1.99999', 'Something unknown', {}],
    [null, null, {}],
  ])('%s / %s', (oid, descr, expected) => {
    expect(classify(oid, descr)).toMatchObject(expected);
    if (Object.keys(expected).length === 0) expect(classify(oid, descr)).toEqual({});
  });

  it.each([
    ['"Cisco IOS " over and over', 'Cisco IOS '.repeat(6_500), { platform: 'cisco-ios', osName: 'Cisco IOS' }],
    ['a real banner followed by junk', `Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4${' Cisco IOS'.repeat(6_500)}`, { type: 'switch', osVersion: '15.2(7)E4' }],
  ])('a sysDescr of 64 KiB (%s) is classified without backtracking (seconds at most on a loaded machine, not minutes)', (_, descr, expected) => {
    const start = performance.now();
    const result = classify('1.3.6.1.4.1.9.1.2593', descr);
    expect(performance.now() - start).toBeLessThan(5_000);
    expect(result).toMatchObject(expected);
  });

  describe('a Unix host\'s name in its sysDescr (Net-SNMP sends `uname -snrvm`) does not decide what the machine is', () => {
    it.each([
      ['1.3.6.1.4.1.8072.3.2.10', 'Linux hl-app01 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64', { osVersion: '5.15.0-91-generic' }],
      ['1.3.6.1.4.1.8072.3.2.10', 'Linux printer-gw 6.1.0-17-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30) x86_64', { osVersion: '6.1.0-17-amd64' }],
      ['1.3.6.1.4.1.8072.3.2.10', 'Linux windows-build 6.1.0-17-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30) x86_64', { osVersion: '6.1.0-17-amd64' }],
      ['1.3.6.1.4.1.8072.3.2.10', 'Linux junos-ci.example.net 5.14.0-362.13.1.el9_3.x86_64 #1 SMP PREEMPT_DYNAMIC Wed Dec 13 14:07:45 UTC 2023 x86_64', { osVersion: '5.14.0-362.13.1.el9_3.x86_64' }],
      ['1.3.6.1.4.1.8072.3.2.10', 'Linux fortigate-logs 6.8.0-45-generic #45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024 x86_64', { osVersion: '6.8.0-45-generic' }],
      ['1.3.6.1.4.1.8072.3.2.10', 'Linux aruba-clearpass-proxy 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64', { osVersion: '6.1.0-28-amd64' }],
      ['1.3.6.1.4.1.8072.3.2.10', 'Linux routeros-backup 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64', { osVersion: '6.1.0-28-amd64' }],
    ])('%s / %s is Linux', (oid, descr, expected) => {
      expect(classify(oid, descr)).toEqual({ platform: 'linux', osFamily: 'linux', osName: 'Linux', ...expected });
    });

    it('a Mac called hl-mbp is a Mac, and a FreeBSD box called junos-lab is a BSD one', () => {
      expect(classify('1.3.6.1.4.1.8072.3.2.16', 'Darwin hl-mbp 23.2.0 Darwin Kernel Version 23.2.0: Wed Nov 15 21:53:18 PST 2023; root:xnu-10002.61.3~2/RELEASE_ARM64_T6000 arm64'))
        .toEqual({ platform: 'macos', osFamily: 'macos', osName: 'macOS (Darwin)', osVersion: '23.2.0' });
      expect(classify('1.3.6.1.4.1.8072.3.2.8', 'FreeBSD junos-lab 13.2-RELEASE-p4 FreeBSD 13.2-RELEASE-p4 GENERIC amd64'))
        .toEqual({ platform: 'other', osFamily: 'bsd', osVersion: '13.2-RELEASE-p4' });
    });
  });

  describe('Cisco: switches, routers and the ASA by their sysDescr', () => {
    const switchOf = (osVersion: string) => ({ vendor: 'Cisco', type: 'switch', platform: 'cisco-ios', osFamily: 'network-os', osName: 'Cisco IOS', osVersion });
    const routerOf = (osVersion: string) => ({ vendor: 'Cisco', type: 'router', platform: 'cisco-ios', osFamily: 'network-os', osName: 'Cisco IOS', osVersion });
    it.each([
      ['a Catalyst 3560-CX', 'Cisco IOS Software, C3560CX Software (C3560CX-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2021 by Cisco Systems, Inc.\r\nCompiled Wed 03-Mar-21 09:40 by mcpre', switchOf('15.2(7)E4')],
      ['a Catalyst 3560-E', 'Cisco IOS Software, C3560E Software (C3560E-UNIVERSALK9-M), Version 15.0(2)SE11, RELEASE SOFTWARE (fc3)', switchOf('15.0(2)SE11')],
      ['a Catalyst 1000', 'Cisco IOS Software, C1000 Software (C1000-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)', switchOf('15.2(7)E4')],
      ['an IE 4000', 'Cisco IOS Software, IE4000 Software (IE4000-UNIVERSALK9-M), Version 15.2(7)E3, RELEASE SOFTWARE (fc3)', switchOf('15.2(7)E3')],
      ['an IE 2000', 'Cisco IOS Software, IE2000 Software (IE2000-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)', switchOf('15.2(7)E4')],
      ['a Catalyst 2950 on IOS 12', 'Cisco Internetwork Operating System Software \r\nIOS (tm) C2950 Software (C2950-I6Q4L2-M), Version 12.1(22)EA14, RELEASE SOFTWARE (fc1)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2010 by cisco Systems, Inc.\r\nCompiled Tue 26-Oct-10 10:35 by nburra', switchOf('12.1(22)EA14')],
      ['a Catalyst 2960 on IOS 12', 'Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE12, RELEASE SOFTWARE (fc2)', switchOf('12.2(55)SE12')],
      ['an ISR 2911 (the C2900 image is the routers\')', 'Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.7(3)M8, RELEASE SOFTWARE (fc2)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2021 by Cisco Systems, Inc.', routerOf('15.7(3)M8')],
      ['an ISR 1941', 'Cisco IOS Software, C1900 Software (C1900-UNIVERSALK9-M), Version 15.7(3)M5, RELEASE SOFTWARE (fc1)', routerOf('15.7(3)M5')],
      ['a C891F', 'Cisco IOS Software, C800 Software (C800-UNIVERSALK9-M), Version 15.8(3)M4, RELEASE SOFTWARE (fc3)', routerOf('15.8(3)M4')],
      ['an ISR 4331 on IOS XE 16', 'Cisco IOS XE Software, Version 16.09.05\r\nCisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.5, RELEASE SOFTWARE (fc1)', routerOf('16.09.05')],
      ['a C1111', 'Cisco IOS Software [Gibraltar], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.12.4, RELEASE SOFTWARE (fc5)', routerOf('16.12.4')],
      ['a 2600 on IOS 12', 'Cisco Internetwork Operating System Software \r\nIOS (tm) C2600 Software (C2600-IK9O3S3-M), Version 12.3(26), RELEASE SOFTWARE (fc2)\r\nTechnical Support: http://www.cisco.com/techsupport', routerOf('12.3(26)')],
    ])('%s', (_name, descr, expected) => {
      expect(classify('1.3.6.1.4.1.9.1.2134', descr)).toEqual(expected);
    });

    it('an ASA is a firewall whose platform sends it no IOS commands, as over SSH', () => {
      expect(classify('1.3.6.1.4.1.9.1.2132', 'Cisco Adaptive Security Appliance Version 9.16(4)'))
        .toEqual({ vendor: 'Cisco', type: 'firewall', platform: 'other', osFamily: 'network-os', osName: 'Cisco ASA', osVersion: '9.16(4)' });
    });
  });

  it('reads the enterprise number with or without a leading dot', () => {
    expect(enterpriseOf('.1.3.6.1.4.1.9.1.1')).toBe(9);
    expect(enterpriseOf('1.3.6.1.2.1.1')).toBeNull();
  });
});

describe('classify leaves unsaid what the device does not say', () => {
  it('a RouterOS board name is not its version', () => {
    expect(classify('1.3.6.1.4.1.14988.1', 'RouterOS RB750Gr3').osVersion).toBeUndefined();
  });

  it("a Cisco box whose sysDescr names no IOS gets no IOS driver (config jobs would send it IOS commands)", () => {
    const c = classify('1.3.6.1.4.1.9.1.1279', 'Cisco Controller');
    expect(c.vendor).toBe('Cisco');
    expect(c.platform).toBeUndefined();
  });
});
