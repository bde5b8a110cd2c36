// Agents (issue 7): enrollment tokens that endpoint agents send their inventory reports with,
// stored as a SHA-256 like personal API tokens; revoking sets revoked_at and keeps the row.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAgentTokens1795910000000 implements MigrationInterface {
  name = 'AddAgentTokens1795910000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`agent_tokens\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`name\` varchar(128) NOT NULL, \`token_hash\` char(64) NOT NULL, \`prefix\` varchar(16) NOT NULL, \`reports_per_minute\` int UNSIGNED NOT NULL, \`created_by\` int UNSIGNED NULL, \`created_at\` datetime(3) NOT NULL, \`expires_at\` datetime(3) NULL, \`revoked_at\` datetime(3) NULL, \`last_used_at\` datetime(3) NULL, UNIQUE INDEX \`IDX_3c8c0336dac88bff46e459b181\` (\`token_hash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`agent_tokens\` ADD CONSTRAINT \`FK_a5fa80ae5890cb329498e9d7d3e\` FOREIGN KEY (\`created_by\`) REFERENCES \`users\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`agent_tokens\` DROP FOREIGN KEY \`FK_a5fa80ae5890cb329498e9d7d3e\``);
    await queryRunner.query(`DROP INDEX \`IDX_3c8c0336dac88bff46e459b181\` ON \`agent_tokens\``);
    await queryRunner.query(`DROP TABLE \`agent_tokens\``);
  }
}
