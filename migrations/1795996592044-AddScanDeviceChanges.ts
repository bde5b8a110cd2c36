// Discovery: each identified address says what it did to the inventory (a new device, a changed
// one, one found as it was), an ended scan keeps those counts, and comparing two scans of a
// range (which devices answered last time and not now) looks a scan's devices up by index.
// Results stored before this have no change, and read as such.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddScanDeviceChanges1795996592044 implements MigrationInterface {
  name = 'AddScanDeviceChanges1795996592044';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`scans\` ADD \`device_counts\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`scan_results\` ADD \`device_change\` varchar(16) NULL`);
    await queryRunner.query(`CREATE INDEX \`IDX_419d22ab6d7e71ba62d5e5eef8\` ON \`scan_results\` (\`scan_id\`, \`device_id\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_419d22ab6d7e71ba62d5e5eef8\` ON \`scan_results\``);
    await queryRunner.query(`ALTER TABLE \`scan_results\` DROP COLUMN \`device_change\``);
    await queryRunner.query(`ALTER TABLE \`scans\` DROP COLUMN \`device_counts\``);
  }
}
