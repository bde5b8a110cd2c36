// Discovery: a saved range's firings. A firing that comes while the range's last scan is still
// queued or running is skipped (a scan that outlasts its schedule was joined by a second of the
// same range, and a third), and the scan counts the firings it ran through so that its views
// can say so. A scan names the firing it answers, once: a process that died after starting it
// and before moving the schedule on left the firing due, and it was started again or lost.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddScanFirings1796029528693 implements MigrationInterface {
  name = 'AddScanFirings1796029528693';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`scans\` ADD \`skipped_firings\` int UNSIGNED NOT NULL DEFAULT '0', ADD \`fired_at\` datetime(3) NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX \`IDX_ab36b833b1576bd7ba32c7b298\` ON \`scans\` (\`schedule_id\`, \`fired_at\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_ab36b833b1576bd7ba32c7b298\` ON \`scans\``);
    await queryRunner.query(`ALTER TABLE \`scans\` DROP COLUMN \`fired_at\`, DROP COLUMN \`skipped_firings\``);
  }
}
