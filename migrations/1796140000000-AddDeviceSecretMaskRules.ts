// Configs: secrets that the built-in mask rules missed, for installations whose rules were
// seeded before (a new one is seeded with them): WireGuard keys, keepalived's auth_pass, Redis's
// requirepass/masterauth, Wi-Fi pre-shared keys and ipsec.secrets in Linux files; IS-IS, NHRP,
// RADIUS dynamic-author and `ip ftp` passwords on Cisco-style CLIs. Backups stored them in
// clear, and a viewer's search found them. Only where the built-in rules are (an admin's own
// rules stay). Versions stored before keep their text: the next backup stores a masked one.
import { MigrationInterface, QueryRunner } from 'typeorm';

const ADDED: Array<{ platform: string | null; pattern: string; description: string }> = [
  { platform: 'linux', pattern: '^\\s*(?:PrivateKey|PresharedKey)\\s*=\\s*(\\S.*)$', description: 'Linux: WireGuard PrivateKey/PresharedKey' },
  { platform: 'linux', pattern: '^\\s*auth_pass\\s+(\\S+)', description: 'Linux: keepalived auth_pass' },
  { platform: 'linux', pattern: '^\\s*(?:requirepass|masterauth)\\s+("[^"]*"|\\S+)', description: 'Linux: Redis requirepass/masterauth' },
  { platform: 'linux', pattern: '^\\s*(?:psk|wep_key\\d|wep-key\\d)\\s*=\\s*(\\S.*)$', description: 'Linux: wpa_supplicant/NetworkManager psk and WEP keys' },
  { platform: 'linux', pattern: ':\\s*(?:PSK|EAP|XAUTH|NTLM)\\s+("[^"]*"|\\S+)', description: 'Linux: ipsec.secrets PSK/EAP/XAUTH secret' },
  { platform: null, pattern: '^\\s*isis password(?: [07])? (\\S+)', description: 'IS-IS interface password' },
  { platform: null, pattern: '^\\s*(?:area|domain)-password(?: [07])? (\\S+)', description: 'IS-IS area/domain password' },
  { platform: null, pattern: '^\\s*ip nhrp authentication(?: [07])? (\\S+)', description: 'NHRP authentication string' },
  { platform: null, pattern: '\\bserver-key(?: [067])? ("[^"]*"|\\S+)', description: 'RADIUS dynamic-author server-key' },
  { platform: null, pattern: '^ip (?:ftp|http client) password(?: [07])? (\\S+)', description: 'ip ftp/http client password' },
];

export class AddDeviceSecretMaskRules1796140000000 implements MigrationInterface {
  name = 'AddDeviceSecretMaskRules1796140000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const [{ n }] = await queryRunner.query('SELECT COUNT(*) AS n FROM `config_normalization_rules` WHERE `builtin` = 1');
    if (Number(n) === 0) return; // not seeded yet: the seed has them
    const now = new Date();
    for (const r of ADDED) {
      await queryRunner.query(
        `INSERT INTO \`config_normalization_rules\` (\`platform\`, \`action\`, \`pattern\`, \`description\`, \`enabled\`, \`builtin\`, \`created_at\`, \`updated_at\`)
         SELECT ?, 'mask', ?, ?, 1, 1, ?, ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM \`config_normalization_rules\` WHERE \`builtin\` = 1 AND \`pattern\` = ?)`,
        [r.platform, r.pattern, r.description, now, now, r.pattern],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const r of ADDED) await queryRunner.query('DELETE FROM `config_normalization_rules` WHERE `builtin` = 1 AND `pattern` = ?', [r.pattern]);
  }
}
