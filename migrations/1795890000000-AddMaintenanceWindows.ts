// Maintenance windows (issue 4): weekly ranges in a time zone, and the device tags each one
// holds to it. Jobs attach windows through job_windows, created with the jobs tables.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddMaintenanceWindows1795890000000 implements MigrationInterface {
  name = 'AddMaintenanceWindows1795890000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`maintenance_windows\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`name\` varchar(128) NOT NULL, \`timezone\` varchar(64) NOT NULL, \`ranges\` text NOT NULL, \`enabled\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_dc3cf74182aec0b433032f393f\` (\`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`maintenance_window_tags\` (\`window_id\` int UNSIGNED NOT NULL, \`tag\` varchar(64) NOT NULL, INDEX \`IDX_d9c74756a07b9a9c6509e63953\` (\`tag\`), PRIMARY KEY (\`window_id\`, \`tag\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`maintenance_window_tags\` ADD CONSTRAINT \`FK_b9b14d20b4051ccfd805e650ed9\` FOREIGN KEY (\`window_id\`) REFERENCES \`maintenance_windows\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`maintenance_window_tags\` DROP FOREIGN KEY \`FK_b9b14d20b4051ccfd805e650ed9\``);
    await queryRunner.query(`DROP INDEX \`IDX_d9c74756a07b9a9c6509e63953\` ON \`maintenance_window_tags\``);
    await queryRunner.query(`DROP TABLE \`maintenance_window_tags\``);
    await queryRunner.query(`DROP INDEX \`IDX_dc3cf74182aec0b433032f393f\` ON \`maintenance_windows\``);
    await queryRunner.query(`DROP TABLE \`maintenance_windows\``);
  }
}
