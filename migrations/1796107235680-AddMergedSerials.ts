// Devices: a merged device's serial, where the survivor kept another, is remembered with the merge,
// so that a later report carrying it lands on the survivor instead of making the duplicate again.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddMergedSerials1796107235680 implements MigrationInterface {
  name = 'AddMergedSerials1796107235680';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`device_merges\` ADD \`serial\` varchar(128) NULL`);
    await queryRunner.query(`CREATE INDEX \`IDX_1e8610d0418b8cd040c453bf64\` ON \`device_merges\` (\`serial\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_1e8610d0418b8cd040c453bf64\` ON \`device_merges\``);
    await queryRunner.query(`ALTER TABLE \`device_merges\` DROP COLUMN \`serial\``);
  }
}
