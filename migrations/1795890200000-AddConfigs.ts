// Config drift (issue 5): versions (gzip, a new row only when the SHA-256 changes), the current
// state per device (searchable text, drift against its baseline), admin-edited normalization and
// compliance rules, baselines (a pinned version or a golden template) and rule results.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddConfigs1795890200000 implements MigrationInterface {
  name = 'AddConfigs1795890200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`config_versions\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`device_id\` int UNSIGNED NOT NULL, \`sha256\` char(64) NOT NULL, \`content\` mediumblob NOT NULL, \`bytes\` int UNSIGNED NOT NULL, \`lines\` int UNSIGNED NOT NULL, \`source\` varchar(1024) NOT NULL, \`trigger\` varchar(16) NOT NULL, \`job_run_id\` int UNSIGNED NULL, \`collected_at\` datetime(3) NOT NULL, INDEX \`IDX_6cf07b71f41f46725dd808b0a8\` (\`device_id\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`device_configs\` (\`device_id\` int UNSIGNED NOT NULL, \`version_id\` bigint UNSIGNED NULL, \`current_text\` mediumtext NULL, \`versions\` int UNSIGNED NOT NULL DEFAULT '0', \`last_attempt_at\` datetime(3) NULL, \`last_status\` varchar(16) NULL, \`last_error\` varchar(1024) NULL, \`changed_at\` datetime(3) NULL, \`checked_at\` datetime(3) NULL, \`baseline_id\` int UNSIGNED NULL, \`drift_since\` datetime(3) NULL, \`drift_diff\` mediumtext NULL, \`drift_added\` int UNSIGNED NOT NULL DEFAULT '0', \`drift_removed\` int UNSIGNED NOT NULL DEFAULT '0', \`drift_error\` varchar(1024) NULL, \`evaluated_at\` datetime(3) NULL, INDEX \`IDX_e3f71f1c13665a5b04be75e2dd\` (\`drift_since\`), PRIMARY KEY (\`device_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`config_normalization_rules\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`platform\` varchar(32) NULL, \`action\` varchar(8) NOT NULL, \`pattern\` varchar(500) NOT NULL, \`description\` varchar(255) NOT NULL DEFAULT '', \`enabled\` tinyint NOT NULL DEFAULT 1, \`builtin\` tinyint NOT NULL DEFAULT 0, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`config_baselines\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`scope\` varchar(16) NOT NULL, \`device_id\` int UNSIGNED NULL, \`tag\` varchar(100) NULL, \`platform\` varchar(32) NULL, \`version_id\` bigint UNSIGNED NULL, \`template\` mediumtext NULL, \`ignore\` text NOT NULL, \`created_by\` varchar(64) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_52204980d98bcc6ce1edc5bcb1\` (\`device_id\`), UNIQUE INDEX \`IDX_53375e9f6552424226a1cb9717\` (\`tag\`), UNIQUE INDEX \`IDX_74927b5480f541e917d8501004\` (\`platform\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`config_rules\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`name\` varchar(200) NOT NULL, \`kind\` varchar(20) NOT NULL, \`pattern\` varchar(500) NOT NULL, \`block_start\` varchar(500) NULL, \`block_where\` varchar(500) NULL, \`platform\` varchar(32) NULL, \`tag\` varchar(100) NULL, \`severity\` varchar(10) NOT NULL, \`enabled\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`config_rule_results\` (\`device_id\` int UNSIGNED NOT NULL, \`rule_id\` int UNSIGNED NOT NULL, \`passed\` tinyint NOT NULL, \`detail\` text NOT NULL, \`lines\` text NOT NULL, \`since\` datetime(3) NOT NULL, \`evaluated_at\` datetime(3) NOT NULL, INDEX \`IDX_468218f5fdcd764a29c839bb5f\` (\`rule_id\`, \`passed\`), PRIMARY KEY (\`device_id\`, \`rule_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`config_versions\` ADD CONSTRAINT \`FK_01612bc05c385977b3a65c59915\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`device_configs\` ADD CONSTRAINT \`FK_0619b917097bcdbd9d61d29c2f5\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`config_baselines\` ADD CONSTRAINT \`FK_52204980d98bcc6ce1edc5bcb1a\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`config_rule_results\` ADD CONSTRAINT \`FK_f1ab83ebac789798e1afa4e8330\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`config_rule_results\` ADD CONSTRAINT \`FK_2ec0867f50c88426aee7d3c5e17\` FOREIGN KEY (\`rule_id\`) REFERENCES \`config_rules\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`config_rule_results\` DROP FOREIGN KEY \`FK_2ec0867f50c88426aee7d3c5e17\``);
    await queryRunner.query(`ALTER TABLE \`config_rule_results\` DROP FOREIGN KEY \`FK_f1ab83ebac789798e1afa4e8330\``);
    await queryRunner.query(`ALTER TABLE \`config_baselines\` DROP FOREIGN KEY \`FK_52204980d98bcc6ce1edc5bcb1a\``);
    await queryRunner.query(`ALTER TABLE \`device_configs\` DROP FOREIGN KEY \`FK_0619b917097bcdbd9d61d29c2f5\``);
    await queryRunner.query(`ALTER TABLE \`config_versions\` DROP FOREIGN KEY \`FK_01612bc05c385977b3a65c59915\``);
    await queryRunner.query(`DROP INDEX \`IDX_468218f5fdcd764a29c839bb5f\` ON \`config_rule_results\``);
    await queryRunner.query(`DROP TABLE \`config_rule_results\``);
    await queryRunner.query(`DROP TABLE \`config_rules\``);
    await queryRunner.query(`DROP INDEX \`IDX_74927b5480f541e917d8501004\` ON \`config_baselines\``);
    await queryRunner.query(`DROP INDEX \`IDX_53375e9f6552424226a1cb9717\` ON \`config_baselines\``);
    await queryRunner.query(`DROP INDEX \`IDX_52204980d98bcc6ce1edc5bcb1\` ON \`config_baselines\``);
    await queryRunner.query(`DROP TABLE \`config_baselines\``);
    await queryRunner.query(`DROP TABLE \`config_normalization_rules\``);
    await queryRunner.query(`DROP INDEX \`IDX_e3f71f1c13665a5b04be75e2dd\` ON \`device_configs\``);
    await queryRunner.query(`DROP TABLE \`device_configs\``);
    await queryRunner.query(`DROP INDEX \`IDX_6cf07b71f41f46725dd808b0a8\` ON \`config_versions\``);
    await queryRunner.query(`DROP TABLE \`config_versions\``);
  }
}
