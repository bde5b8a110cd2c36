import { fixture } from './fixtures/fake-session';
import { DEFAULT_NORMALIZATION_RULES, normalize } from './normalize';
import type { ConfigPlatform, NormalizationRule } from './types';

const rules = DEFAULT_NORMALIZATION_RULES;

/** Every secret in the recorded configurations: none may survive normalization. */
const SECRETS: [ConfigPlatform, string, string[]][] = [
  ['cisco-ios', 'cisco-ios-xe.txt', [
    '$9$Zq0fVx2y5m1xQk', '$9$4Mh8Fo2', '0822455D0A16544541', '110A1016141D5A5E57', 'K_bQEVddJOXh', '05080F1C2243',
    '0207105A0A1E0F2C', '1511021F07257A767B', 'br-ro-7f3a', 'br-trap-91c2', '045802150C2E1D1C5A', '06070D22484F0B1A1B',
    '121A0C0411045D5679', '104D000A0618',
  ]],
  ['junos', 'junos-display-set.txt', ['$6$Qn3xq0W', '$6$V2a9Dk0p', '$9$YT4Zjk', '$9$aDJUHf', 'edge-ro-2b9e', '$9$1zRhSy', '$9$kmfT3n', '$9$Hk5FCt']],
  ['eos', 'eos.txt', ['$6$0b8Xk3', '$6$Uj7Ki8', '0207105A0A1E0F2C', 'dc1-ro-58aa', '045802150C2E1D1C5A', 'Jv7G2ohDbhcaEx']],
  ['cisco-nxos', 'nxos.txt', ['$5$KNHGJC', '$5$LMNOPQ', 'VwritosWsgsx', '0x3f2a8e1c', 'dc1-core-ro', '9125d59c18a9b015']],
  ['routeros', 'routeros-export.txt', ['kHq1lYx0T3p9', 'Rw-2024!x', 'Zx8cV2bN6mQ0', 'Ipsec-PSK-2024', 'rtr-ro-3d7f', 'Adm1n-Pa55']],
  ['fortios', 'fortios-show.txt', ['SH2Xq7vT1', 'SH2Ab3Cd5', 'fw-ro-6e21', 'bZ4xQk9Lm', 'Kj8Hg6Fd4', 'Qw1Er2Ty3', 'MIIFHzBJBgkq']],
  ['procurve', 'procurve-raw.txt', ['acc-ro-91d0', 'acc-trap-4c1e', 'Rad1usK3y!', 'T4cacsK3y!', '5baa61e4c9b9', '7c4a8d09ca37']],
];

describe('normalize with the default rules', () => {
  it.each(SECRETS)('%s: masks every secret of the recorded configuration', (platform, file, secrets) => {
    const raw = fixture(file);
    for (const s of secrets) expect(raw).toContain(s); // the fixture really has it
    const { text, masked } = normalize(raw, platform, rules);
    for (const s of secrets) expect(text).not.toContain(s);
    expect(masked).toBeGreaterThanOrEqual(secrets.length - 1);
  });

  it('keeps the shape of IOS secret lines, so a diff still shows where a secret is set', () => {
    const { text } = normalize(fixture('cisco-ios-xe.txt'), 'cisco-ios', rules);
    for (const line of [
      'enable secret 9 <masked>',
      'username netadmin privilege 15 secret 9 <masked>',
      'username backup privilege 1 password 7 <masked>',
      '  key-string 7 <masked>',
      'crypto isakmp key 6 <masked> address 198.51.100.7',
      ' ip ospf authentication-key 7 <masked>',
      ' standby 1 authentication md5 key-string 7 <masked>',
      ' neighbor 192.0.2.1 password 7 <masked>',
      'snmp-server community <masked> RO SNMP-RO',
      'snmp-server host 10.20.0.60 version 2c <masked>',
      ' key 7 <masked>',
      'radius-server key 7 <masked>',
      ' password 7 <masked>',
      'ntp authentication-key 1 md5 <masked> 7',
    ]) expect(text.split('\n')).toContain(line);
    // a key chain's key id is not a secret
    expect(text).toContain('key chain OSPF-KEYS\n key 1\n');
  });

  it('masks a server key without a type unless it is a key chain\'s numeric id (no lookahead needed)', () => {
    expect(normalize('tacacs server T1\n key S3cr3t\n key "two words"\nkey chain K\n key 1\n key 12x\n', 'cisco-ios', rules).text)
      .toBe('tacacs server T1\n key <masked>\n key "<masked>"\nkey chain K\n key 1\n key <masked>\n');
  });

  it('drops the IOS lines that change without a configuration change', () => {
    const { text, dropped } = normalize(fixture('cisco-ios-xe.txt'), 'cisco-ios', rules);
    expect(text).not.toMatch(/Building configuration|Current configuration|Last configuration change|NVRAM config last updated|ntp clock-period/);
    expect(dropped).toBe(5);
    expect(text.startsWith('!\n!\nversion 17.9\n')).toBe(true);
  });

  it('shows a changed secret and a new change timestamp as no change at all', () => {
    const before = fixture('cisco-ios-xe.txt');
    const after = before
      .replace('! Last configuration change at 09:41:27 CET Tue Nov 12 2024', '! Last configuration change at 17:03:12 CET Wed Nov 13 2024')
      .replace('$9$Zq0fVx2y5m1xQk$Rrq2lI0sB1o3d5x0nYh7Jx4Uu7Z2iYzW0bQ9aH3cTgM', '$9$NewSaltNewSalt$AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg')
      .replace('Current configuration : 6214 bytes', 'Current configuration : 6215 bytes')
      .replace('ntp clock-period 17179823', 'ntp clock-period 17179811');
    expect(normalize(after, 'cisco-ios', rules).text).toBe(normalize(before, 'cisco-ios', rules).text);
  });

  it.each([
    ['cisco-nxos', 'nxos.txt', ['!Time: ', '!Running configuration last done at']],
    ['junos', 'junos-display-set.txt', ['## Last commit']],
    ['routeros', 'routeros-export.txt', ['by RouterOS 7.16.1']],
    ['fortios', 'fortios-show.txt', ['#conf_file_ver=']],
  ] as const)('%s: drops its timestamp header', (platform, file, gone) => {
    const { text, dropped } = normalize(fixture(file), platform, rules);
    for (const g of gone) expect(text).not.toContain(g);
    expect(dropped).toBe(gone.length);
  });

  it('drops EOS "! Time:" and the RouterOS 6 date format', () => {
    expect(normalize('! Time: Tue Nov 12 10:02:55 2024\nhostname a\n', 'eos', rules).text).toBe('hostname a\n');
    expect(normalize('# nov/12/2024 09:41:27 by RouterOS 6.49.10\n/system identity set name=a\n', 'routeros', rules).text).toBe('/system identity set name=a\n');
  });

  it('keeps quotes around a masked quoted value', () => {
    const { text } = normalize(fixture('junos-display-set.txt'), 'junos', rules);
    expect(text).toContain('set system root-authentication encrypted-password "<masked>"\n');
    expect(text).toContain('set security ike policy HQ-POLICY pre-shared-key ascii-text "<masked>"\n');
    expect(text).toContain('set snmp community <masked> authorization read-only\n');
    const pc = normalize(fixture('procurve-raw.txt'), 'procurve', rules).text;
    expect(pc).toContain('radius-server host 10.20.0.71 key "<masked>"\n');
  });

  it('masks every secret of a RouterOS line, and a FortiOS SNMP community but not other names', () => {
    const ros = normalize('/interface wireless security-profiles add name=p1 wpa-pre-shared-key=aaa wpa2-pre-shared-key="b b"\n', 'routeros', rules);
    expect(ros.text).toBe('/interface wireless security-profiles add name=p1 wpa-pre-shared-key=<masked> wpa2-pre-shared-key="<masked>"\n');
    expect(ros.masked).toBe(2);
    const fgt = normalize(fixture('fortios-show.txt'), 'fortios', rules).text;
    expect(fgt).toContain('config system snmp community\n    edit 1\n        set name "<masked>"\n');
    expect(fgt).toContain('        set name "LAN to Internet"\n');
    expect(fgt).toContain('        set psksecret ENC <masked>\n');
  });

  it('reduces a private key to its BEGIN and END lines, and keeps certificates', () => {
    const fgt = normalize(fixture('fortios-show.txt'), 'fortios', rules).text;
    expect(fgt).toContain('        set private-key "-----BEGIN ENCRYPTED PRIVATE KEY-----\n<masked>\n-----END ENCRYPTED PRIVATE KEY-----"\n');
    expect(fgt).toContain('MIIDXTCCAkWgAwIBAgIJAKoK'); // a certificate is public
    const linux = [
      '### /etc/ssl/private/web.key',
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
      'qZ2xW3vU4tS5rQ6pO7nM8lK9jI0hG1fE2dC3bA4zY5xW6vU7tS8r',
      '-----END PRIVATE KEY-----',
      '### /etc/myapp/key.json',
      '{"key": "-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----\\n"}',
    ].join('\n');
    const { text, masked } = normalize(linux, 'linux', rules);
    expect(text).toBe([
      '### /etc/ssl/private/web.key',
      '-----BEGIN PRIVATE KEY-----',
      '<masked>',
      '-----END PRIVATE KEY-----',
      '### /etc/myapp/key.json',
      '{"key": "-----BEGIN RSA PRIVATE KEY-----<masked>-----END RSA PRIVATE KEY-----\\n"}',
      '',
    ].join('\n'));
    expect(masked).toBe(2);
  });

  it.each([
    ['linux', 'rocommunity S3cretComm default', 'rocommunity <masked> default'],
    ['linux', '  rwcommunity6 Priv6Comm ::1', '  rwcommunity6 <masked> ::1'],
    ['linux', 'com2sec notConfigUser default S3cretComm', 'com2sec notConfigUser default <masked>'],
    ['linux', 'com2sec -Cn ctx2 readers 192.0.2.0/24 Comm2', 'com2sec -Cn ctx2 readers 192.0.2.0/24 <masked>'],
    ['linux', 'createUser admin SHA "authpass123" AES "privpass123"', 'createUser admin SHA "<masked>" AES "<masked>"'],
    ['linux', 'createUser -e 0x80001f8880 bob SHA-256 authpass456 AES privpass456', 'createUser -e 0x80001f8880 bob SHA-256 <masked> AES <masked>'],
    ['linux', 'createUser carol MD5 authonly789', 'createUser carol MD5 <masked>'],
    ['junos', 'set snmp community "Ops Team RO" authorization read-only', 'set snmp community "<masked>" authorization read-only'],
    ['junos', 'set snmp community public authorization read-only', 'set snmp community <masked> authorization read-only'],
    ['fortios', '        set ppk-secret ENC qE7m1Zb2x9Kc==', '        set ppk-secret ENC <masked>'],
    ['fortios', '        set ddns-key ENC 9Vh3Lk0pQw==', '        set ddns-key ENC <masked>'],
    // WireGuard, keepalived, Redis, Wi-Fi, strongSwan, OpenVPN
    ['linux', 'PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=', 'PrivateKey = <masked>'],
    ['linux', 'PresharedKey=FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=', 'PresharedKey=<masked>'],
    ['linux', '    auth_pass Kp4ss-42', '    auth_pass <masked>'],
    ['linux', 'requirepass "r3dis pass"', 'requirepass "<masked>"'],
    ['linux', 'masterauth R3plica!', 'masterauth <masked>'],
    ['linux', '\tpsk="wifi passphrase"', '\tpsk="<masked>"'],
    ['linux', 'psk=HomeWifi2024', 'psk=<masked>'],
    ['linux', ': PSK "v3ry s3cret"', ': PSK "<masked>"'],
    ['linux', '192.0.2.1 198.51.100.1 : PSK 0sFpCyhws9cxwWoV4x', '192.0.2.1 198.51.100.1 : PSK <masked>'],
    ['linux', '-----BEGIN OpenVPN Static key V1-----\n6acef03f62675b4b1bbd03e53b187727\n423cea742242106cb2916a8a4c829756\n-----END OpenVPN Static key V1-----',
      '-----BEGIN OpenVPN Static key V1-----\n<masked>\n-----END OpenVPN Static key V1-----'],
    // IOS: IS-IS, NHRP, RADIUS dynamic-author, ip ftp
    ['cisco-ios', ' isis password IsisK3y level-2', ' isis password <masked> level-2'],
    ['cisco-ios', ' area-password AreaK3y', ' area-password <masked>'],
    ['cisco-ios', ' domain-password DomK3y authenticate snp validate', ' domain-password <masked> authenticate snp validate'],
    ['cisco-ios', ' ip nhrp authentication NhrpK3y', ' ip nhrp authentication <masked>'],
    ['cisco-ios', ' client 192.0.2.10 server-key 7 0822455D0A16544541', ' client 192.0.2.10 server-key 7 <masked>'],
    ['cisco-ios', ' server-key DynAuthK3y', ' server-key <masked>'],
    ['cisco-ios', 'ip ftp password FtpPa55', 'ip ftp password <masked>'],
  ] as const)('%s: masks %j', (platform, line, masked) => {
    // before: stored as they are (snmpd.conf, FortiOS's other ENC values, WireGuard keys, IS-IS
    // passwords…), or a quoted community's first word only
    expect(normalize(`${line}\n`, platform, rules).text).toBe(`${masked}\n`);
  });

  it('takes a BEGIN marker inside a line for text, and ends a key without END at the next file', () => {
    const files = [
      '### /usr/local/bin/find-keys.sh',
      '#!/bin/sh',
      'grep -rl -- "-----BEGIN OPENSSH PRIVATE KEY-----" /home',
      'exit 0',
      '### /etc/ssl/private/cut.key',
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
      '### /etc/ssh/sshd_config',
      'PermitRootLogin yes',
    ].join('\n');
    // before: everything after the grep line was one <masked>, sshd_config's PermitRootLogin too
    expect(normalize(files, 'linux', rules).text).toBe([
      '### /usr/local/bin/find-keys.sh',
      '#!/bin/sh',
      'grep -rl -- "-----BEGIN OPENSSH PRIVATE KEY-----" /home',
      'exit 0',
      '### /etc/ssl/private/cut.key',
      '-----BEGIN PRIVATE KEY-----',
      '<masked>',
      '### /etc/ssh/sshd_config',
      'PermitRootLogin yes',
      '',
    ].join('\n'));
  });

  it('masks Linux key = value secrets and shadow hashes, and leaves sshd_config alone', () => {
    const files = [
      '### /etc/myapp/db.ini',
      '[database]',
      'host = 10.20.0.80',
      'Password = S3cr3t!',
      'db_passwd: hunter2',
      'API_TOKEN=abc123',
      '### /etc/shadow',
      'root:$6$rounds=5000$salt$hash:19700:0:99999:7:::',
      'daemon:*:19700:0:99999:7:::',
    ].join('\n');
    expect(normalize(files, 'linux', rules).text).toBe([
      '### /etc/myapp/db.ini',
      '[database]',
      'host = 10.20.0.80',
      'Password = <masked>',
      'db_passwd: <masked>',
      'API_TOKEN=<masked>',
      '### /etc/shadow',
      'root:<masked>:19700:0:99999:7:::',
      'daemon:*:19700:0:99999:7:::',
      '',
    ].join('\n'));
    const sshd = fixture('linux-sshd_config.txt');
    const n = normalize(sshd, 'linux', rules);
    expect(n.masked).toBe(0);
    expect(n.text).toBe(sshd);
  });

  it('strips trailing whitespace, CRs and blank lines at both ends, ending with one newline', () => {
    expect(normalize('\r\n\r\nhostname a   \r\n interface x\t\r\n\r\n\r\n', 'cisco-ios', rules).text).toBe('hostname a\n interface x\n');
    expect(normalize('\n \n', 'cisco-ios', rules)).toEqual({ text: '', dropped: 0, masked: 0 });
  });
});

describe('normalize with admins\' rules', () => {
  const rule = (over: Partial<NormalizationRule>): NormalizationRule => ({ platform: null, action: 'drop', pattern: '^x', description: 'test', enabled: true, ...over });

  it('applies only enabled rules of the platform or of every platform', () => {
    const rs = [
      rule({ pattern: '^a' }),
      rule({ pattern: '^b', platform: 'junos' }),
      rule({ pattern: '^c', platform: 'eos' }),
      rule({ pattern: '^d', enabled: false }),
    ];
    expect(normalize('a\nb\nc\nd\n', 'eos', rs)).toEqual({ text: 'b\nd\n', dropped: 2, masked: 0 });
  });

  it('masks the whole match of a mask rule without groups, and each group of one with several', () => {
    const rs = [rule({ action: 'mask', pattern: 'token-[0-9a-f]+' }), rule({ action: 'mask', pattern: '^user (\\S+) pass (\\S+)' })];
    expect(normalize('x token-abc1 y token-ff\nuser bob pass pw\n', 'linux', rs)).toEqual({ text: 'x <masked> y <masked>\nuser <masked> pass <masked>\n', dropped: 0, masked: 4 });
  });

  it('works with rules that cannot be combined into one regex (clashing group names)', () => {
    const rs = [rule({ action: 'mask', pattern: '^user (?<v>\\S+)' }), rule({ action: 'mask', pattern: 'key (?<v>\\S+)' })];
    expect(normalize('user bob key k1\nab\n', 'linux', rs)).toEqual({ text: 'user <masked> key <masked>\nab\n', dropped: 0, masked: 2 });
  });

  it('masks by UTF-16 position, skips groups that took no part, and ends on empty matches', () => {
    const rs = [rule({ action: 'mask', pattern: 'pw=(\\S+)(?: hint=(\\S+))?' }), rule({ action: 'mask', pattern: 'z*' })];
    expect(normalize('😀 pw=s3cr😀t x\n', 'linux', rs).text).toBe('😀 pw=<masked> x\n');
    expect(normalize('a pw=1 hint=2\n', 'linux', rs)).toEqual({ text: 'a pw=<masked> hint=<masked>\n', dropped: 0, masked: 2 });
  });

  it('reads (?i) in one rule without changing the others', () => {
    const rs = [rule({ pattern: '(?i)^debug' }), rule({ pattern: '^trace' })];
    expect(normalize('DEBUG on\nTRACE on\ntrace on\n', 'linux', rs).text).toBe('TRACE on\n');
  });

  it('throws on an invalid pattern, naming the rule', () => {
    expect(() => normalize('x\n', 'linux', [rule({ id: 12, pattern: '(', description: 'broken rule' })])).toThrow(/normalization rule 12 "broken rule": invalid pattern "\(": not a valid regular expression/);
  });

  it('throws on a stored pattern that RE2 cannot run, naming the rule and why', () => {
    expect(() => normalize('x\n', 'linux', [rule({ id: 7, pattern: '^(\\w)\\1$', description: 'old rule' })]))
      .toThrow('normalization rule 7 "old rule": invalid pattern "^(\\\\w)\\\\1$": backreferences are not supported (patterns run in linear time)');
  });

  it.each([
    ['(a|a)*b', 'a'.repeat(32)],
    ['(a|aa)*c', 'a'.repeat(40)],
    ['(x+x+)+y', 'x'.repeat(32)],
  ])('applies drop and mask rules %s in linear time over %s', (pattern, line) => {
    const started = Date.now();
    const rs = [rule({ pattern }), rule({ action: 'mask', pattern: `key (${pattern})` })];
    expect(normalize(`${line}\nkey ${line}\n`, 'linux', rs).text).toBe(`${line}\nkey ${line}\n`);
    expect(Date.now() - started).toBeLessThan(10_000); // minutes with JavaScript's backtracking
  });

  it('normalizes a 5,000-line configuration with the default rules', () => {
    const base = fixture('cisco-ios-xe.txt').split('\n');
    const big = Array.from({ length: 5000 }, (_, i) => base[i % base.length]).join('\n');
    const { text, masked } = normalize(big, 'cisco-ios', rules);
    expect(text).not.toContain('$9$Zq0fVx2y5m1xQk');
    expect(masked).toBeGreaterThan(300);
  });
});
