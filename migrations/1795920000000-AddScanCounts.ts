// Discovery: a finished scan keeps its results' counts by status, so that listing scans does not
// count every result of every scan on the page again (25 scans of a /16: ~0.5 s of MariaDB).
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddScanCounts1795920000000 implements MigrationInterface {
  name = 'AddScanCounts1795920000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`scans\` ADD \`counts\` text NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`scans\` DROP COLUMN \`counts\``);
  }
}
