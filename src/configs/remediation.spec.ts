import { fixture } from './fixtures/fake-session';
import { DEFAULT_NORMALIZATION_RULES, normalize } from './normalize';
import { missingLines } from './remediation';

describe('missingLines', () => {
  it('IOS: a missing child comes after its parent, each parent once, blocks left with exit', () => {
    const baseline = [
      'hostname br-rtr01',
      '!',
      'interface GigabitEthernet0/0/1',
      ' description LAN',
      ' spanning-tree portfast',
      ' storm-control broadcast level 5.00',
      '!',
      'interface GigabitEthernet0/0/2',
      ' spanning-tree portfast',
      '!',
      'no ip http server',
      'ip ssh version 2',
      'end',
    ].join('\n');
    const current = [
      'hostname br-rtr01',
      '!',
      'interface GigabitEthernet0/0/1',
      ' description LAN',
      '!',
      'interface GigabitEthernet0/0/2',
      ' spanning-tree portfast',
      ' shutdown',
      '!',
      'ip http server',
      'ip ssh version 2',
      'end',
    ].join('\n');
    expect(missingLines(baseline, current, 'cisco-ios')).toEqual({
      add: ['interface GigabitEthernet0/0/1', ' spanning-tree portfast', ' storm-control broadcast level 5.00', 'exit', 'no ip http server'],
      extra: ['interface GigabitEthernet0/0/2', ' shutdown', 'ip http server'],
    });
  });

  it('IOS: a whole missing block, nested levels, and nothing when current has it all', () => {
    const baseline = 'router bgp 65021\n neighbor 192.0.2.1 remote-as 64500\n !\n address-family ipv4\n  neighbor 192.0.2.1 activate\n exit-address-family\n!\nline vty 0 4\n transport input ssh\n!\nend\n';
    expect(missingLines(baseline, 'hostname x\nend\n', 'cisco-ios').add).toEqual([
      'router bgp 65021',
      ' neighbor 192.0.2.1 remote-as 64500',
      ' address-family ipv4',
      '  neighbor 192.0.2.1 activate',
      'exit',
      'exit',
      'line vty 0 4',
      ' transport input ssh',
    ]);
    const ios = normalize(fixture('cisco-ios-xe.txt'), 'cisco-ios', DEFAULT_NORMALIZATION_RULES).text;
    expect(missingLines(ios, ios, 'cisco-ios')).toEqual({ add: [], extra: [] });
  });

  it('never pushes comments or the baseline\'s own exit/end lines', () => {
    const r = missingLines('! managed by Teknisi\nvlan 40\n   name "CLIENTS"\n   exit\n; comment\n', '', 'procurve');
    expect(r.add).toEqual(['vlan 40', '   name "CLIENTS"']);
  });

  it('a line under another parent is a different line', () => {
    const r = missingLines('interface Gi1\n shutdown\n', 'interface Gi2\n shutdown\n', 'eos');
    expect(r).toEqual({ add: ['interface Gi1', ' shutdown'], extra: ['interface Gi2', ' shutdown'] });
  });

  it('Junos and RouterOS: just the missing lines', () => {
    const junos = normalize(fixture('junos-display-set.txt'), 'junos', DEFAULT_NORMALIZATION_RULES).text;
    const drifted = junos.replace('set system services ssh root-login deny\n', '').concat('set system services telnet\n');
    expect(missingLines(junos, drifted, 'junos')).toEqual({ add: ['set system services ssh root-login deny'], extra: ['set system services telnet'] });
    expect(missingLines('# comment\n/ip dns set servers=10.20.0.53\n', '', 'routeros').add).toEqual(['/ip dns set servers=10.20.0.53']);
  });

  it('FortiOS: missing settings inside config/edit blocks, every level closed', () => {
    const baseline = 'config system global\n    set admintimeout 30\n    set hostname "fw"\nend\nconfig system admin\n    edit "admin"\n        set trusthost1 10.20.0.0 255.255.255.0\n    next\nend\n';
    const current = 'config system global\n    set hostname "fw"\nend\nconfig system admin\n    edit "admin"\n    next\nend\n';
    expect(missingLines(baseline, current, 'fortios').add).toEqual([
      'config system global',
      '    set admintimeout 30',
      'end',
      'config system admin',
      '    edit "admin"',
      '        set trusthost1 10.20.0.0 255.255.255.0',
      'next',
      'end',
    ]);
  });

  it('Linux: missing lines under their file header, Match blocks kept together', () => {
    const baseline = '### /etc/ssh/sshd_config\nPermitRootLogin no\nMatch Group sftponly\n\tForceCommand internal-sftp\n### /etc/resolv.conf\nnameserver 10.20.0.53\n';
    const current = '### /etc/ssh/sshd_config\nPermitRootLogin yes\nMatch Group sftponly\n### /etc/resolv.conf (missing)\n';
    expect(missingLines(baseline, current, 'linux')).toEqual({
      add: ['### /etc/ssh/sshd_config', 'PermitRootLogin no', 'Match Group sftponly', '\tForceCommand internal-sftp', '### /etc/resolv.conf', 'nameserver 10.20.0.53'],
      extra: ['### /etc/ssh/sshd_config', 'PermitRootLogin yes'],
    });
  });
});
