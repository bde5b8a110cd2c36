// Configs: a number raised by every change to compliance rules, baselines and normalization
// rules (deletions too), and the number each device's current version was evaluated at. The
// re-evaluations after such a change ran in one process's background only: a restart lost
// them, and the devices kept no result for a new rule (shown as compliant) until their
// configuration changed. A backup now evaluates a device that is behind. Existing devices start
// at NULL (not evaluated): each is evaluated once at its next backup.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddConfigGeneration1796140100000 implements MigrationInterface {
  name = 'AddConfigGeneration1796140100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`config_generation\` (\`id\` tinyint UNSIGNED NOT NULL, \`generation\` bigint UNSIGNED NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`device_configs\` ADD \`evaluated_generation\` bigint UNSIGNED NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`device_configs\` DROP COLUMN \`evaluated_generation\``);
    await queryRunner.query(`DROP TABLE \`config_generation\``);
  }
}
