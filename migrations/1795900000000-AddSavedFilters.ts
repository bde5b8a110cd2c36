// Web UI (issue 6): saved filters (a named query string of a list page, owned by a user, shared
// or not); indexes that keep the dashboard's counts and a device's "jobs that touched it" index
// reads at 100,000 devices: devices (type, status) replacing (type), which it starts with, and
// (platform, status); job_run_targets (device_id); device_configs (version_id).
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSavedFilters1795900000000 implements MigrationInterface {
  name = 'AddSavedFilters1795900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`saved_filters\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`user_id\` int UNSIGNED NOT NULL, \`name\` varchar(100) NOT NULL, \`page\` varchar(16) NOT NULL, \`query\` varchar(2000) NOT NULL, \`shared\` tinyint NOT NULL DEFAULT 0, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`IDX_32b60159a7c31347480295b159\` (\`shared\`, \`page\`), UNIQUE INDEX \`IDX_91e5af1a8b3c6aab5a523a0531\` (\`user_id\`, \`page\`, \`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`saved_filters\` ADD CONSTRAINT \`FK_1072cc58f972749123491fcd776\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`CREATE INDEX \`IDX_c714c3ce7bff46938d39c8f05f\` ON \`devices\` (\`type\`, \`status\`)`);
    await queryRunner.query(`DROP INDEX \`IDX_49c03378106ff08a5f00c974c2\` ON \`devices\``);
    await queryRunner.query(`CREATE INDEX \`IDX_106c585c5bb7fa654b01e5d7ae\` ON \`devices\` (\`platform\`, \`status\`)`);
    await queryRunner.query(`CREATE INDEX \`IDX_9152c2a7882d65ac56db938321\` ON \`job_run_targets\` (\`device_id\`)`);
    await queryRunner.query(`CREATE INDEX \`IDX_3f3e8c4f171faf21ac69914699\` ON \`device_configs\` (\`version_id\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_3f3e8c4f171faf21ac69914699\` ON \`device_configs\``);
    await queryRunner.query(`DROP INDEX \`IDX_9152c2a7882d65ac56db938321\` ON \`job_run_targets\``);
    await queryRunner.query(`DROP INDEX \`IDX_106c585c5bb7fa654b01e5d7ae\` ON \`devices\``);
    await queryRunner.query(`CREATE INDEX \`IDX_49c03378106ff08a5f00c974c2\` ON \`devices\` (\`type\`)`);
    await queryRunner.query(`DROP INDEX \`IDX_c714c3ce7bff46938d39c8f05f\` ON \`devices\``);
    await queryRunner.query(`ALTER TABLE \`saved_filters\` DROP FOREIGN KEY \`FK_1072cc58f972749123491fcd776\``);
    await queryRunner.query(`DROP INDEX \`IDX_91e5af1a8b3c6aab5a523a0531\` ON \`saved_filters\``);
    await queryRunner.query(`DROP INDEX \`IDX_32b60159a7c31347480295b159\` ON \`saved_filters\``);
    await queryRunner.query(`DROP TABLE \`saved_filters\``);
  }
}
