// Devices: a merge records which device the merged one lives on as, so that a job run target
// still naming the merged id (running during the merge, or in a run that targeted both) leads
// to the survivor. Merges made before this have no record.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddDeviceMerges1795999010519 implements MigrationInterface {
  name = 'AddDeviceMerges1795999010519';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`device_merges\` (\`merged_id\` int UNSIGNED NOT NULL, \`survivor_id\` int UNSIGNED NOT NULL, \`merged_at\` datetime(3) NOT NULL, INDEX \`IDX_3a4a55921d4b833cd97f691bc7\` (\`survivor_id\`), PRIMARY KEY (\`merged_id\`)) ENGINE=InnoDB`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_3a4a55921d4b833cd97f691bc7\` ON \`device_merges\``);
    await queryRunner.query(`DROP TABLE \`device_merges\``);
  }
}
