// Jobs (issue 4): job definitions, the windows attached to them (a window in use cannot be
// deleted), runs (one per firing: unique job + fired_at), run targets with their lease and lane
// (unique per run while running: the run's concurrency across workers), compressed per-target
// output, and per-device leases (one job at a time per machine).
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddJobs1795890100000 implements MigrationInterface {
  name = 'AddJobs1795890100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`jobs\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`name\` varchar(128) NULL, \`kind\` varchar(64) NOT NULL, \`params\` text NOT NULL, \`target\` text NOT NULL, \`state\` varchar(16) NOT NULL DEFAULT 'active', \`run_at\` datetime(3) NULL, \`cron\` varchar(128) NULL, \`timezone\` varchar(64) NOT NULL DEFAULT 'UTC', \`next_run_at\` datetime(3) NULL, \`concurrency\` smallint UNSIGNED NOT NULL DEFAULT '10', \`deadline\` datetime(3) NULL, \`deadline_minutes\` int UNSIGNED NULL, \`retries\` tinyint UNSIGNED NOT NULL DEFAULT '3', \`retry_delay_sec\` int UNSIGNED NOT NULL DEFAULT '30', \`credential_id\` int UNSIGNED NULL, \`created_by\` varchar(64) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`IDX_859c1843f3867e448e52303767\` (\`next_run_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`job_windows\` (\`job_id\` int UNSIGNED NOT NULL, \`window_id\` int UNSIGNED NOT NULL, INDEX \`IDX_2bdcdc0f1927f216b6f3070718\` (\`window_id\`), PRIMARY KEY (\`job_id\`, \`window_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`job_runs\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`job_id\` int UNSIGNED NOT NULL, \`status\` varchar(16) NOT NULL, \`fired_at\` datetime(3) NOT NULL, \`trigger\` varchar(16) NOT NULL, \`concurrency\` smallint UNSIGNED NOT NULL, \`deadline_at\` datetime(3) NULL, \`total\` int UNSIGNED NOT NULL DEFAULT '0', \`stop_running\` tinyint NOT NULL DEFAULT 0, \`created_by\` varchar(64) NULL, \`started_at\` datetime(3) NOT NULL, \`finished_at\` datetime(3) NULL, INDEX \`IDX_c8f10f6989a880f5a482ffca81\` (\`status\`, \`id\`), UNIQUE INDEX \`IDX_94c0b7231e03be92b50cc22ccf\` (\`job_id\`, \`fired_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`job_run_targets\` (\`run_id\` int UNSIGNED NOT NULL, \`device_id\` int UNSIGNED NOT NULL, \`hostname\` varchar(255) NULL, \`status\` varchar(20) NOT NULL, \`reason\` varchar(1024) NULL, \`exit_code\` int NULL, \`attempts\` smallint UNSIGNED NOT NULL DEFAULT '0', \`next_attempt_at\` datetime(3) NULL, \`lane\` smallint UNSIGNED NULL, \`lease_owner\` varchar(64) NULL, \`lease_until\` datetime(3) NULL, \`started_at\` datetime(3) NULL, \`finished_at\` datetime(3) NULL, UNIQUE INDEX \`IDX_5b5bf277a4ebae46a0e68bb066\` (\`run_id\`, \`lane\`), INDEX \`IDX_aa3cab72a7cd83ebb58df7704a\` (\`status\`, \`lease_until\`), INDEX \`IDX_20ba09699e93594af3d56dbfe5\` (\`run_id\`, \`status\`, \`next_attempt_at\`), PRIMARY KEY (\`run_id\`, \`device_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`job_target_logs\` (\`run_id\` int UNSIGNED NOT NULL, \`device_id\` int UNSIGNED NOT NULL, \`log\` mediumblob NOT NULL, \`bytes\` int UNSIGNED NOT NULL, \`truncated\` tinyint NOT NULL DEFAULT 0, \`at\` datetime(3) NOT NULL, PRIMARY KEY (\`run_id\`, \`device_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`device_leases\` (\`device_id\` int UNSIGNED NOT NULL, \`owner\` varchar(64) NOT NULL, \`run_id\` int UNSIGNED NOT NULL, \`lease_until\` datetime(3) NOT NULL, PRIMARY KEY (\`device_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`job_windows\` ADD CONSTRAINT \`FK_cc8f285a3114f21a2eb8e09df15\` FOREIGN KEY (\`job_id\`) REFERENCES \`jobs\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`job_windows\` ADD CONSTRAINT \`FK_2bdcdc0f1927f216b6f3070718e\` FOREIGN KEY (\`window_id\`) REFERENCES \`maintenance_windows\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`job_runs\` ADD CONSTRAINT \`FK_0dec2e5176604a316bbf16c0877\` FOREIGN KEY (\`job_id\`) REFERENCES \`jobs\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`job_run_targets\` ADD CONSTRAINT \`FK_5b183ebe3227cb2a0eef5023666\` FOREIGN KEY (\`run_id\`) REFERENCES \`job_runs\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`job_target_logs\` ADD CONSTRAINT \`FK_b87403b48e26faddd201fcbdbb1\` FOREIGN KEY (\`run_id\`) REFERENCES \`job_runs\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`job_target_logs\` DROP FOREIGN KEY \`FK_b87403b48e26faddd201fcbdbb1\``);
    await queryRunner.query(`ALTER TABLE \`job_run_targets\` DROP FOREIGN KEY \`FK_5b183ebe3227cb2a0eef5023666\``);
    await queryRunner.query(`ALTER TABLE \`job_runs\` DROP FOREIGN KEY \`FK_0dec2e5176604a316bbf16c0877\``);
    await queryRunner.query(`ALTER TABLE \`job_windows\` DROP FOREIGN KEY \`FK_2bdcdc0f1927f216b6f3070718e\``);
    await queryRunner.query(`ALTER TABLE \`job_windows\` DROP FOREIGN KEY \`FK_cc8f285a3114f21a2eb8e09df15\``);
    await queryRunner.query(`DROP TABLE \`device_leases\``);
    await queryRunner.query(`DROP TABLE \`job_target_logs\``);
    await queryRunner.query(`DROP INDEX \`IDX_20ba09699e93594af3d56dbfe5\` ON \`job_run_targets\``);
    await queryRunner.query(`DROP INDEX \`IDX_aa3cab72a7cd83ebb58df7704a\` ON \`job_run_targets\``);
    await queryRunner.query(`DROP INDEX \`IDX_5b5bf277a4ebae46a0e68bb066\` ON \`job_run_targets\``);
    await queryRunner.query(`DROP TABLE \`job_run_targets\``);
    await queryRunner.query(`DROP INDEX \`IDX_94c0b7231e03be92b50cc22ccf\` ON \`job_runs\``);
    await queryRunner.query(`DROP INDEX \`IDX_c8f10f6989a880f5a482ffca81\` ON \`job_runs\``);
    await queryRunner.query(`DROP TABLE \`job_runs\``);
    await queryRunner.query(`DROP INDEX \`IDX_2bdcdc0f1927f216b6f3070718\` ON \`job_windows\``);
    await queryRunner.query(`DROP TABLE \`job_windows\``);
    await queryRunner.query(`DROP INDEX \`IDX_859c1843f3867e448e52303767\` ON \`jobs\``);
    await queryRunner.query(`DROP TABLE \`jobs\``);
  }
}
