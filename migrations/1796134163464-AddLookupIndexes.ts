// Indexes for lookups that read whole tables at 100,000 devices: the audit log filtered by a user
// name or an object id (1 s and 2.2 s over a million rows), a device's pinned host keys (four
// full scans per job session), a job's latest run (the dashboard, Run now, every firing).
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddLookupIndexes1796134163464 implements MigrationInterface {
  name = 'AddLookupIndexes1796134163464';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX \`IDX_ba0ee7a83cd3087c1828a10ead\` ON \`audit_log\` (\`object_id\`, \`at\`)`);
    await queryRunner.query(`CREATE INDEX \`IDX_14b6266ccb1faded864c29d311\` ON \`audit_log\` (\`username\`, \`at\`)`);
    await queryRunner.query(`CREATE INDEX \`IDX_faa1ead0ca313fc99e2219cf62\` ON \`ssh_host_keys\` (\`device_id\`, \`last_seen\`)`);
    await queryRunner.query(`CREATE INDEX \`IDX_37fca1dcda4c86492702884ef6\` ON \`job_runs\` (\`job_id\`, \`id\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_37fca1dcda4c86492702884ef6\` ON \`job_runs\``);
    await queryRunner.query(`DROP INDEX \`IDX_faa1ead0ca313fc99e2219cf62\` ON \`ssh_host_keys\``);
    await queryRunner.query(`DROP INDEX \`IDX_14b6266ccb1faded864c29d311\` ON \`audit_log\``);
    await queryRunner.query(`DROP INDEX \`IDX_ba0ee7a83cd3087c1828a10ead\` ON \`audit_log\``);
  }
}
