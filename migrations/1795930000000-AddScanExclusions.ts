// Discovery: a scan and a saved range may leave addresses, ranges, blocks and host names out
// (fragile or someone else's machines inside a range); null means nothing is excluded.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddScanExclusions1795930000000 implements MigrationInterface {
  name = 'AddScanExclusions1795930000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`scans\` ADD \`exclude\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`scan_schedules\` ADD \`exclude\` text NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`scan_schedules\` DROP COLUMN \`exclude\``);
    await queryRunner.query(`ALTER TABLE \`scans\` DROP COLUMN \`exclude\``);
  }
}
