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
    ['1.3.6.1.4.1.14988.1', 'RouterOS CCR2004-1G-12S+2XS', { vendor: 'MikroTik', platform: 'routeros', type: 'router' }],
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

  it('reads the enterprise number with or without a leading dot', () => {
    expect(enterpriseOf('.1.3.6.1.4.1.9.1.1')).toBe(9);
    expect(enterpriseOf('1.3.6.1.2.1.1')).toBeNull();
  });
});
