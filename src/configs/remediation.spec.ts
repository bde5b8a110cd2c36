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
      withheld: [],
      notes: [],
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
    expect(missingLines(ios, ios, 'cisco-ios')).toEqual({ add: [], extra: [], withheld: [], notes: [] });
  });

  it('never pushes comments or the baseline\'s own exit/end lines', () => {
    const r = missingLines('! managed by Teknisi\nvlan 40\n   name "CLIENTS"\n   exit\n; comment\n', '', 'procurve');
    expect(r.add).toEqual(['vlan 40', '   name "CLIENTS"']);
  });

  it('a line under another parent is a different line', () => {
    const r = missingLines('interface Gi1\n shutdown\n', 'interface Gi2\n shutdown\n', 'eos');
    expect(r).toEqual({ add: ['interface Gi1', ' shutdown'], extra: ['interface Gi2', ' shutdown'], withheld: [], notes: [] });
  });

  it('Junos and RouterOS: just the missing lines', () => {
    const junos = normalize(fixture('junos-display-set.txt'), 'junos', DEFAULT_NORMALIZATION_RULES).text;
    const drifted = junos.replace('set system services ssh root-login deny\n', '').concat('set system services telnet\n');
    expect(missingLines(junos, drifted, 'junos')).toMatchObject({ add: ['set system services ssh root-login deny'], extra: ['set system services telnet'] });
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
      withheld: [],
      notes: [],
    });
  });

  describe('access lists, whose entries are matched in order', () => {
    const acl = (...entries: string[]) => ['ip access-list extended EDGE-IN', ...entries.map((e) => ` ${e}`), '!', 'ip ssh version 2', 'end'].join('\n');
    const deny = 'deny ip host 198.51.100.9 any';
    const permit = 'permit ip any any';

    it('withholds a list that lacks an entry before others, rather than appending it after permit ip any any', () => {
      const r = missingLines(acl(deny, permit), acl(permit), 'cisco-ios');
      // before: add was ['ip access-list extended EDGE-IN', ' deny ip host 198.51.100.9 any'], pushed at the list's end
      expect(r.add).toEqual([]);
      expect(r.withheld).toEqual(['ip access-list extended EDGE-IN', ` ${deny}`, ` ${permit}`]);
      expect(r.notes).toEqual([expect.stringMatching(/^ip access-list extended EDGE-IN: the device lacks entries before others .*apply the whole list by hand$/)]);
    });

    it('withholds a list the device has in another order, and one with entries of its own before a missing one', () => {
      const swapped = missingLines(acl(deny, permit), acl(permit, deny), 'cisco-ios');
      expect(swapped).toMatchObject({ add: [], extra: [], withheld: ['ip access-list extended EDGE-IN', ` ${deny}`, ` ${permit}`] });
      expect(swapped.notes).toEqual([expect.stringMatching(/in another order/)]);
      const own = missingLines(acl(deny, permit), acl(deny, 'permit tcp any any eq 22'), 'cisco-ios');
      expect(own.add).toEqual([]);
      expect(own.withheld).toHaveLength(3);
    });

    it('pushes entries missing at the end of a list, a whole missing list, and leaves other lines as before', () => {
      expect(missingLines(acl(deny, permit), acl(deny), 'cisco-ios')).toEqual({ add: ['ip access-list extended EDGE-IN', ` ${permit}`], extra: [], withheld: [], notes: [] });
      expect(missingLines(acl(deny, permit), 'ip ssh version 2\nend\n', 'cisco-ios').add).toEqual(['ip access-list extended EDGE-IN', ` ${deny}`, ` ${permit}`]);
      // a device's own entries after the baseline's: extra, nothing withheld
      expect(missingLines(acl(deny), acl(deny, permit), 'cisco-ios')).toEqual({ add: [], extra: ['ip access-list extended EDGE-IN', ` ${permit}`], withheld: [], notes: [] });
    });

    it('numbered access-list lines are one list per number; NX-OS lists too', () => {
      const base = 'access-list 10 deny 198.51.100.9\naccess-list 10 permit any\naccess-list 20 permit 192.0.2.0 0.0.0.255\nend\n';
      const r = missingLines(base, 'access-list 10 permit any\nend\n', 'cisco-ios');
      expect(r.add).toEqual(['access-list 20 permit 192.0.2.0 0.0.0.255']);
      expect(r.withheld).toEqual(['access-list 10 deny 198.51.100.9', 'access-list 10 permit any']);
      expect(r.notes).toEqual([expect.stringMatching(/^access-list 10: /)]);
      const nx = missingLines('ip access-list MGMT\n  10 permit tcp 192.0.2.0/24 any eq 22\n  20 deny ip any any\n', 'ip access-list MGMT\n  20 deny ip any any\n', 'cisco-nxos');
      expect(nx).toMatchObject({ add: [], withheld: ['ip access-list MGMT', '  10 permit tcp 192.0.2.0/24 any eq 22', '  20 deny ip any any'] });
    });

    it('Linux files have no such lists', () => {
      expect(missingLines('access-list 10 deny x\naccess-list 10 permit any\n', 'access-list 10 permit any\n', 'linux').add).toEqual(['access-list 10 deny x']);
    });
  });
});
