// Configs: patterns now run on RE2 (linear time), which has no lookahead. The one built-in
// normalization rule that used one — a TACACS+/RADIUS key without a type, but not a key
// chain's numeric id — is rewritten to its equivalent without, where it is still as shipped
// (an admin's edited copy is left to the admin). Without this, every backup would fail on it.
import { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = '^\\s+(?:server-private \\S+ )?key (?!\\d+$)("[^"]*"|\\S+)$';
const AFTER = '^\\s+(?:server-private \\S+ )?key ("[^"]*"|\\S*[^\\s\\d]\\S*)$';

export class RewriteBuiltinKeyRule1795950000000 implements MigrationInterface {
  name = 'RewriteBuiltinKeyRule1795950000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('UPDATE `config_normalization_rules` SET `pattern` = ? WHERE `builtin` = 1 AND `pattern` = ?', [AFTER, BEFORE]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('UPDATE `config_normalization_rules` SET `pattern` = ? WHERE `builtin` = 1 AND `pattern` = ?', [BEFORE, AFTER]);
  }
}
