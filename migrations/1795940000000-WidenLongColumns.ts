// Jobs, configs and credentials: columns whose content the request sets, and that a valid
// request outgrew as a TEXT (64 KiB, a 500 "Data too long"), become MEDIUMTEXT (16 MiB):
// a job's parameters (a 64 KiB script, more once JSON escapes it) and its target (up to
// 100,000 device ids), a baseline's ignore patterns (100 of 500 characters), and a credential's
// sealed secrets (a 16 KiB key and three 1,024-character passwords, JSON-escaped, then base64).
// MODIFY keeps the rows, where the generated DROP and ADD would have emptied the columns.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class WidenLongColumns1795940000000 implements MigrationInterface {
  name = 'WidenLongColumns1795940000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`jobs\` MODIFY \`params\` mediumtext NOT NULL, MODIFY \`target\` mediumtext NOT NULL`);
    await queryRunner.query(`ALTER TABLE \`config_baselines\` MODIFY \`ignore\` mediumtext NOT NULL`);
    await queryRunner.query(`ALTER TABLE \`credentials\` MODIFY \`secret\` mediumtext NOT NULL`);
  }

  // fails (Data too long) while a row holds more than a TEXT does: shorten or delete it first
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`credentials\` MODIFY \`secret\` text NOT NULL`);
    await queryRunner.query(`ALTER TABLE \`config_baselines\` MODIFY \`ignore\` text NOT NULL`);
    await queryRunner.query(`ALTER TABLE \`jobs\` MODIFY \`params\` text NOT NULL, MODIFY \`target\` text NOT NULL`);
  }
}
