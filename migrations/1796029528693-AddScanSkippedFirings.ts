// Discovery: a saved range that fires while its last scan is still queued or running skips the
// firing (a scan that outlasts its schedule was joined by a second of the same range, and a
// third); the scan counts the firings it ran through, so its views can say so.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddScanSkippedFirings1796029528693 implements MigrationInterface {
  name = 'AddScanSkippedFirings1796029528693';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`scans\` ADD \`skipped_firings\` int UNSIGNED NOT NULL DEFAULT '0'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`scans\` DROP COLUMN \`skipped_firings\``);
  }
}
