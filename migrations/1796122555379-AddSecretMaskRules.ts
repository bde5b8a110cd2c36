// Configs: secrets that the built-in mask rules missed, for installations whose rules were
// seeded before (a new one is seeded with them): snmpd.conf's communities and SNMPv3 users'
// passphrases, which a Linux backup stored in clear; FortiOS values stored ENC under names the
// list did not have (re-salted at every show, so also a new version at every backup); and a
// Junos community in quotes, of which only the first word was masked. Only where the built-in
// rules are (an admin's own rules stay), and the Junos rule only where it is as shipped.
import { MigrationInterface, QueryRunner } from 'typeorm';

const ADDED: Array<{ platform: string; pattern: string; description: string }> = [
  { platform: 'linux', pattern: '^\\s*r[ow]community6?\\s+(\\S+)', description: 'Linux: snmpd.conf rocommunity/rwcommunity' },
  { platform: 'linux', pattern: '^\\s*com2sec6?\\s+(?:-Cn\\s+\\S+\\s+)?\\S+\\s+\\S+\\s+(\\S+)', description: 'Linux: snmpd.conf com2sec community' },
  { platform: 'linux', pattern: '^\\s*createUser\\s+(?:-e\\s+\\S+\\s+)?\\S+\\s+\\S+\\s+("[^"]*"|\\S+)(?:\\s+\\S+\\s+("[^"]*"|\\S+))?', description: 'Linux: snmpd.conf createUser passphrases' },
  { platform: 'fortios', pattern: '^\\s*set \\S+ ENC (\\S+)', description: 'FortiOS: any encrypted value (ppk-secret, ddns-key, …)' },
];
const JUNOS_BEFORE = '^set snmp community (\\S+)';
const JUNOS_AFTER = '^set snmp community ("[^"]*"|\\S+)';

export class AddSecretMaskRules1796122555379 implements MigrationInterface {
  name = 'AddSecretMaskRules1796122555379';

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
    await queryRunner.query('UPDATE `config_normalization_rules` SET `pattern` = ? WHERE `builtin` = 1 AND `pattern` = ?', [JUNOS_AFTER, JUNOS_BEFORE]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('UPDATE `config_normalization_rules` SET `pattern` = ? WHERE `builtin` = 1 AND `pattern` = ?', [JUNOS_BEFORE, JUNOS_AFTER]);
    for (const r of ADDED) await queryRunner.query('DELETE FROM `config_normalization_rules` WHERE `builtin` = 1 AND `pattern` = ?', [r.pattern]);
  }
}
