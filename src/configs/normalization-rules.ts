// configs/: the normalization rules Teknisi ships with (the module seeds them into MySQL, where
// admins may disable them or add their own). Drop rules remove lines that change without a
// configuration change (timestamps, counters); mask rules replace secrets with `<masked>`.
// Mask rules anchored in one CLI's syntax are kept platform-wide (null) when harmless
// elsewhere: masking too much on an unexpected platform is the safe mistake.
import type { ConfigPlatform, NormalizationRule } from './types';

function drop(platform: ConfigPlatform | null, pattern: string, description: string): NormalizationRule {
  return { platform, action: 'drop', pattern, description, enabled: true };
}
function mask(platform: ConfigPlatform | null, pattern: string, description: string): NormalizationRule {
  return { platform, action: 'mask', pattern, description, enabled: true };
}

// letters in either case, since rules carry no flags: ci('password') → [Pp][Aa]…
function ci(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c)).join('');
}

/** Net-SNMP's snmpd.conf: communities and SNMPv3 users' passphrases (added to installed rule sets by AddSecretMaskRules) */
export const SNMPD_CONF_RULES: NormalizationRule[] = [
  mask('linux', '^\\s*r[ow]community6?\\s+(\\S+)', 'Linux: snmpd.conf rocommunity/rwcommunity'),
  mask('linux', '^\\s*com2sec6?\\s+(?:-Cn\\s+\\S+\\s+)?\\S+\\s+\\S+\\s+(\\S+)', 'Linux: snmpd.conf com2sec community'),
  mask('linux', '^\\s*createUser\\s+(?:-e\\s+\\S+\\s+)?\\S+\\s+\\S+\\s+("[^"]*"|\\S+)(?:\\s+\\S+\\s+("[^"]*"|\\S+))?', 'Linux: snmpd.conf createUser passphrases'),
];

/**
 * Secrets of common services and routing protocols that the first rules missed (added to
 * installed rule sets by AddDeviceSecretMaskRules): WireGuard keys, keepalived's and Redis's
 * passwords, Wi-Fi pre-shared keys, ipsec.secrets; IS-IS, NHRP, RADIUS dynamic-author and
 * `ip ftp` passwords. A type (`7`) before a value is part of the pattern: a rule that masked
 * the type instead would leave the value for the type 7 rule, which then no longer matches.
 */
export const DEVICE_SECRET_RULES: NormalizationRule[] = [
  mask('linux', '^\\s*(?:PrivateKey|PresharedKey)\\s*=\\s*(\\S.*)$', 'Linux: WireGuard PrivateKey/PresharedKey'),
  mask('linux', '^\\s*auth_pass\\s+(\\S+)', 'Linux: keepalived auth_pass'),
  mask('linux', '^\\s*(?:requirepass|masterauth)\\s+("[^"]*"|\\S+)', 'Linux: Redis requirepass/masterauth'),
  mask('linux', '^\\s*(?:psk|wep_key\\d|wep-key\\d)\\s*=\\s*(\\S.*)$', 'Linux: wpa_supplicant/NetworkManager psk and WEP keys'),
  mask('linux', ':\\s*(?:PSK|EAP|XAUTH|NTLM)\\s+("[^"]*"|\\S+)', 'Linux: ipsec.secrets PSK/EAP/XAUTH secret'),
  mask(null, '^\\s*isis password(?: [07])? (\\S+)', 'IS-IS interface password'),
  mask(null, '^\\s*(?:area|domain)-password(?: [07])? (\\S+)', 'IS-IS area/domain password'),
  mask(null, '^\\s*ip nhrp authentication(?: [07])? (\\S+)', 'NHRP authentication string'),
  mask(null, '\\bserver-key(?: [067])? ("[^"]*"|\\S+)', 'RADIUS dynamic-author server-key'),
  mask(null, '^ip (?:ftp|http client) password(?: [07])? (\\S+)', 'ip ftp/http client password'),
];

export const DEFAULT_NORMALIZATION_RULES: NormalizationRule[] = [
  // --- Cisco IOS / IOS-XE: volatile lines
  drop('cisco-ios', '^Building configuration\\.\\.\\.$', 'IOS: progress message before the configuration'),
  drop('cisco-ios', '^Current configuration : \\d+ bytes$', 'IOS: configuration size, changes with any edit'),
  drop('cisco-ios', '^! Last configuration change at ', 'IOS: time of the last change'),
  drop('cisco-ios', '^! NVRAM config last updated at ', 'IOS: time of the last save'),
  drop('cisco-ios', '^! No configuration change since last restart', 'IOS: shown instead of the last change after a reload'),
  drop('cisco-ios', '^! NVRAM config last updated', 'IOS: the save time after a reload'),
  drop('cisco-ios', '^ntp clock-period \\d+$', 'IOS: NTP clock drift correction, rewritten by the router itself'),

  // --- other platforms: headers with a timestamp
  drop('cisco-nxos', '^!Time: ', 'NX-OS: time the configuration was shown'),
  drop('cisco-nxos', '^!Running configuration last done at: ', 'NX-OS: time of the last change'),
  drop('eos', '^! Time: ', 'EOS: time the configuration was shown'),
  drop('eos', '^! Startup-config last modified at ', 'EOS: time of the last save'),
  drop('junos', '^## Last (?:commit|changed): ', 'Junos: time and author of the last commit'),
  drop('routeros', '^# (?:\\d{4}-\\d{2}-\\d{2}|[a-z]{3}/\\d{2}/\\d{4}) \\d{2}:\\d{2}:\\d{2} by RouterOS ', 'RouterOS: time of the export'),
  drop('routeros', '^# (?:inactive time|poe-out status: short_circuit|\\S+ not ready|received packet from \\S+ bad format)$', 'RouterOS: transient status comments in the export'),
  drop('routeros', '^# Firmware upgraded successfully, please reboot', 'RouterOS: transient firmware note'),
  drop('fortios', '^#conf_file_ver=', 'FortiOS: configuration file counter, changes with every save'),

  // --- Cisco-style CLIs (IOS, NX-OS, EOS, ProCurve): secrets
  mask(null, '^enable (?:secret|password)(?: level \\d+)?(?: (?:\\d+|sha512))? (\\S+)', 'enable secret/password'),
  mask(null, '^username \\S+ .*?\\b(?:secret|password)(?: (?:\\d+|sha512))? (\\S+)', 'local user password hash'),
  mask(null, '^snmp-server community ("[^"]*"|\\S+)', 'SNMP community'),
  mask(null, '^snmp-server host \\S+ (?:vrf \\S+ )?(?:informs |traps )?(?:version (?:1|2c|3 (?:auth|noauth|priv)) )?(?:community )?("[^"]*"|\\S+)', 'SNMP community in a trap host'),
  mask(null, '^snmp-server user \\S+ \\S+ .*?auth (?:md5|sha\\S*) (\\S+)(?: priv(?: (?:des|3des|aes(?:-128)?(?: \\d+)?))? (\\S+))?', 'SNMPv3 user keys'),
  mask(null, '^(?:tacacs|radius)-server (?:host \\S+ .*?)?key(?: \\d)? ("[^"]*"|\\S+)', 'TACACS+/RADIUS shared key'),
  mask(null, '^\\s+(?:server-private \\S+ )?key [067] (\\S+)$', 'TACACS+/RADIUS server key in a server block'),
  // a value with a character other than a digit: without lookahead, which RE2 cannot run
  mask(null, '^\\s+(?:server-private \\S+ )?key ("[^"]*"|\\S*[^\\s\\d]\\S*)$', 'TACACS+/RADIUS server key without a type (a key chain\'s " key 1" is an id, not masked)'),
  mask(null, '^crypto isakmp key(?: \\d)? (\\S+) (?:address|hostname) ', 'IKEv1 pre-shared key'),
  mask(null, '^\\s*pre-shared-key(?: (?:local|remote))?(?: \\d)? (\\S+)$', 'IKEv2 keyring pre-shared key'),
  mask(null, '^\\s*pre-shared-key address \\S+(?: \\S+)? key(?: \\d)? (\\S+)', 'IKEv1 keyring pre-shared key'),
  mask(null, '^\\s*key-string(?: \\d)? (.+)$', 'key chain key'),
  mask(null, '^\\s*(?:standby|vrrp|glbp) \\d+ authentication (?:md5 key-string |text )?(?:\\d )?(\\S+)', 'first-hop redundancy authentication'),
  mask(null, '^\\s*(?:ip|ipv6) ospf (?:authentication-key|message-digest-key \\d+ md5)(?: \\d)? (\\S+)', 'OSPF authentication key'),
  mask(null, '^\\s*neighbor \\S+ password(?: \\d)? (\\S+)', 'BGP neighbor password'),
  mask(null, '^ntp authentication-key \\d+ \\S+(?: \\d)? (\\S+)', 'NTP authentication key'),
  mask(null, '^\\s*password(?: \\d)? (\\S+)$', 'line password'),
  mask(null, '^\\s*ppp (?:chap|pap) (?:password|sent-username \\S+ password)(?: \\d)? (\\S+)', 'PPP password'),
  mask(null, 'wpa-psk ascii \\d (\\S+)', 'wireless pre-shared key'),
  mask(null, '\\bpassword 7 (\\S+)', 'any type 7 (reversible) password'),
  mask('procurve', '^password (?:manager|operator) user-name "[^"]*" \\S+ ("[^"]*"|\\S+)', 'ProCurve manager/operator password hash'),

  // --- Junos (display set)
  mask('junos', 'encrypted-password "([^"]*)"', 'Junos password hash'),
  mask('junos', '"(\\$9\\$[^"]*)"', 'Junos $9$ (reversible) secret'),
  mask('junos', '"([^"]*)";\\s*## SECRET-DATA$', 'Junos secret in the hierarchical format'),
  mask('junos', '^set snmp community ("[^"]*"|\\S+)', 'Junos SNMP community'),
  mask('junos', ' (?:simple-password|authentication-key|secret|pre-shared-key ascii-text) ("[^"$]*"|[^"\\s]\\S*)', 'Junos clear-text secret'),

  // --- MikroTik RouterOS (RouterOS 6 prints secrets; 7 hides them unless asked)
  mask('routeros', '\\b(?:password|secret|passphrase|wpa-pre-shared-key|wpa2-pre-shared-key|authentication-key|private-key|preshared-key|auth-key)=("(?:[^"\\\\]|\\\\.)*"|\\S+)', 'RouterOS secret'),
  mask('routeros', '^/snmp community (?:add|set) .*?\\bname=("[^"]*"|\\S+)', 'RouterOS SNMP community'),

  // --- FortiOS (its ENC values are re-salted on every show: masked, they stop looking changed)
  mask('fortios', '^\\s*set (?:password|passwd|psksecret|secondary-secret|rsso-secret|secret|key|auth-pwd|priv-pwd|passphrase|sae-password|ldap-password) ENC (\\S+)', 'FortiOS encrypted secret'),
  mask('fortios', '^\\s*set (?:psksecret|secret|key|passwd|password) ("[^"]*")$', 'FortiOS clear-text secret'),
  mask('fortios', '^\\s*set \\S+ ENC (\\S+)', 'FortiOS: any encrypted value (ppk-secret, ddns-key, …)'),

  // --- Linux files
  mask('linux', `^\\s*[\\w.-]*(?:${ci('password')}|${ci('passwd')}|${ci('secret')}|${ci('token')}|${ci('api_key')}|${ci('apikey')})[\\w.-]*\\s*[=:]\\s*(\\S.*)$`, 'Linux: key = value where the key names a password, secret, token or API key'),
  mask('linux', '^[a-z_][a-z0-9_-]*\\$?:(\\$[^:]+):', 'Linux: a password hash in a shadow file'),
  ...SNMPD_CONF_RULES,
  ...DEVICE_SECRET_RULES,
];
