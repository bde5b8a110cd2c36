// Jobs: a completed run keeps its targets' counts by status, so that listing jobs and runs does
// not count every target of every run on the page again (a run of 100k targets: ~14 ms a count).
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddRunCounts1795920000100 implements MigrationInterface {
  name = 'AddRunCounts1795920000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`job_runs\` ADD \`counts\` text NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`job_runs\` DROP COLUMN \`counts\``);
  }
}
