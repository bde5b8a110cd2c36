// Discovery (issue 3): scans with their chunks and per-address results, saved ranges with a
// cron schedule, pinned SSH host keys, the credential that worked per device, pairs marked
// distinct, and LLDP/CDP neighbours.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddDiscovery1795829154729 implements MigrationInterface {
  name = 'AddDiscovery1795829154729';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`device_credentials\` (\`device_id\` int UNSIGNED NOT NULL, \`protocol\` varchar(8) NOT NULL, \`credential_id\` int UNSIGNED NOT NULL, \`last_ok_at\` datetime(3) NOT NULL, INDEX \`IDX_0b7111e508a20559c6cc6c9ec0\` (\`credential_id\`), PRIMARY KEY (\`device_id\`, \`protocol\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`device_distinct_pairs\` (\`device_id\` int UNSIGNED NOT NULL, \`other_id\` int UNSIGNED NOT NULL, \`created_by\` varchar(64) NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`IDX_57d34b1a8f647a2a60346aa4ab\` (\`other_id\`), PRIMARY KEY (\`device_id\`, \`other_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`device_neighbours\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`device_id\` int UNSIGNED NOT NULL, \`protocol\` varchar(8) NOT NULL, \`local_port\` varchar(255) NULL, \`remote_name\` varchar(255) NULL, \`remote_port\` varchar(255) NULL, \`remote_address\` varchar(45) NULL, \`remote_platform\` varchar(255) NULL, \`remote_chassis_id\` varchar(255) NULL, \`last_seen\` datetime(3) NOT NULL, INDEX \`IDX_65971821e29e4520a935de5dcf\` (\`device_id\`), INDEX \`IDX_3bf35fa659b00eccf33b6a89c3\` (\`remote_name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`scans\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`status\` varchar(16) NOT NULL, \`targets\` text NOT NULL, \`credential_ids\` text NOT NULL, \`options\` text NOT NULL, \`total\` int UNSIGNED NOT NULL DEFAULT '0', \`done\` int UNSIGNED NOT NULL DEFAULT '0', \`found\` int UNSIGNED NOT NULL DEFAULT '0', \`schedule_id\` int UNSIGNED NULL, \`created_by\` varchar(64) NULL, \`error\` varchar(1024) NULL, \`created_at\` datetime(3) NOT NULL, \`started_at\` datetime(3) NULL, \`finished_at\` datetime(3) NULL, INDEX \`IDX_a30f80c7e07449beeab65f894f\` (\`schedule_id\`), INDEX \`IDX_afb43b3b9882441f414c523329\` (\`status\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`scan_chunks\` (\`scan_id\` int UNSIGNED NOT NULL, \`chunk_no\` int UNSIGNED NOT NULL, \`first_index\` int UNSIGNED NOT NULL, \`size\` int UNSIGNED NOT NULL, \`status\` varchar(16) NOT NULL, \`lease_owner\` varchar(64) NULL, \`lease_until\` datetime(3) NULL, \`attempts\` int UNSIGNED NOT NULL DEFAULT '0', INDEX \`IDX_549f62b6d631cd92b2c7612809\` (\`status\`, \`lease_until\`), PRIMARY KEY (\`scan_id\`, \`chunk_no\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`scan_results\` (\`scan_id\` int UNSIGNED NOT NULL, \`address\` varchar(255) NOT NULL, \`status\` varchar(16) NOT NULL, \`reason\` varchar(1024) NULL, \`device_id\` int UNSIGNED NULL, \`via\` varchar(16) NULL, \`duration_ms\` int UNSIGNED NOT NULL DEFAULT '0', \`at\` datetime(3) NOT NULL, INDEX \`IDX_5a313d8357ffbb138921792fbf\` (\`device_id\`), INDEX \`IDX_21f9a657b100a61a24a9a87cb9\` (\`scan_id\`, \`status\`), PRIMARY KEY (\`scan_id\`, \`address\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`scan_schedules\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`name\` varchar(128) NOT NULL, \`targets\` text NOT NULL, \`credential_ids\` text NOT NULL, \`options\` text NOT NULL, \`cron\` varchar(128) NOT NULL, \`timezone\` varchar(64) NOT NULL DEFAULT 'UTC', \`enabled\` tinyint NOT NULL DEFAULT 1, \`next_run_at\` datetime(3) NULL, \`last_scan_id\` int UNSIGNED NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_4ce2c6c9489fb3d6ff2584d493\` (\`name\`), INDEX \`IDX_122ffb34a82b12bf1a6b3d8fb4\` (\`next_run_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`ssh_host_keys\` (\`host\` varchar(255) NOT NULL, \`port\` int UNSIGNED NOT NULL, \`key_type\` varchar(64) NOT NULL, \`fingerprint\` varchar(128) NOT NULL, \`device_id\` int UNSIGNED NULL, \`first_seen\` datetime(3) NOT NULL, \`last_seen\` datetime(3) NOT NULL, \`rejected_fingerprint\` varchar(128) NULL, \`rejected_at\` datetime(3) NULL, PRIMARY KEY (\`host\`, \`port\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`device_credentials\` ADD CONSTRAINT \`FK_838147fb05afc59ee78c3788fd3\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`device_neighbours\` ADD CONSTRAINT \`FK_65971821e29e4520a935de5dcf9\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`scan_chunks\` ADD CONSTRAINT \`FK_3ef1250d29fe18845f9ca3b44f5\` FOREIGN KEY (\`scan_id\`) REFERENCES \`scans\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`scan_results\` ADD CONSTRAINT \`FK_1984a5e7d5351d2004e68c800a0\` FOREIGN KEY (\`scan_id\`) REFERENCES \`scans\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`scan_results\` DROP FOREIGN KEY \`FK_1984a5e7d5351d2004e68c800a0\``);
    await queryRunner.query(`ALTER TABLE \`scan_chunks\` DROP FOREIGN KEY \`FK_3ef1250d29fe18845f9ca3b44f5\``);
    await queryRunner.query(`ALTER TABLE \`device_neighbours\` DROP FOREIGN KEY \`FK_65971821e29e4520a935de5dcf9\``);
    await queryRunner.query(`ALTER TABLE \`device_credentials\` DROP FOREIGN KEY \`FK_838147fb05afc59ee78c3788fd3\``);
    await queryRunner.query(`DROP TABLE \`ssh_host_keys\``);
    await queryRunner.query(`DROP INDEX \`IDX_122ffb34a82b12bf1a6b3d8fb4\` ON \`scan_schedules\``);
    await queryRunner.query(`DROP INDEX \`IDX_4ce2c6c9489fb3d6ff2584d493\` ON \`scan_schedules\``);
    await queryRunner.query(`DROP TABLE \`scan_schedules\``);
    await queryRunner.query(`DROP INDEX \`IDX_21f9a657b100a61a24a9a87cb9\` ON \`scan_results\``);
    await queryRunner.query(`DROP INDEX \`IDX_5a313d8357ffbb138921792fbf\` ON \`scan_results\``);
    await queryRunner.query(`DROP TABLE \`scan_results\``);
    await queryRunner.query(`DROP INDEX \`IDX_549f62b6d631cd92b2c7612809\` ON \`scan_chunks\``);
    await queryRunner.query(`DROP TABLE \`scan_chunks\``);
    await queryRunner.query(`DROP INDEX \`IDX_afb43b3b9882441f414c523329\` ON \`scans\``);
    await queryRunner.query(`DROP INDEX \`IDX_a30f80c7e07449beeab65f894f\` ON \`scans\``);
    await queryRunner.query(`DROP TABLE \`scans\``);
    await queryRunner.query(`DROP INDEX \`IDX_3bf35fa659b00eccf33b6a89c3\` ON \`device_neighbours\``);
    await queryRunner.query(`DROP INDEX \`IDX_65971821e29e4520a935de5dcf\` ON \`device_neighbours\``);
    await queryRunner.query(`DROP TABLE \`device_neighbours\``);
    await queryRunner.query(`DROP INDEX \`IDX_57d34b1a8f647a2a60346aa4ab\` ON \`device_distinct_pairs\``);
    await queryRunner.query(`DROP TABLE \`device_distinct_pairs\``);
    await queryRunner.query(`DROP INDEX \`IDX_0b7111e508a20559c6cc6c9ec0\` ON \`device_credentials\``);
    await queryRunner.query(`DROP TABLE \`device_credentials\``);
  }
}
