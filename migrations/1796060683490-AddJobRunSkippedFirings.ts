// Jobs: a recurring job's firing that comes while its last run is still running or paused is
// skipped (it started a second run over the same machines, which repeated what the first had
// done and escaped the first's pause and cancel), and the run counts the firings it ran through.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddJobRunSkippedFirings1796060683490 implements MigrationInterface {
  name = 'AddJobRunSkippedFirings1796060683490';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`job_runs\` ADD \`skipped_firings\` int UNSIGNED NOT NULL DEFAULT '0'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`job_runs\` DROP COLUMN \`skipped_firings\``);
  }
}
