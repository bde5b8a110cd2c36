import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795822020250 implements MigrationInterface {
  name = 'InitialSchema1795822020250';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`users\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`username\` varchar(64) NOT NULL, \`display_name\` varchar(255) NULL, \`role\` varchar(16) NOT NULL, \`password_hash\` varchar(255) NOT NULL, \`disabled\` tinyint NOT NULL DEFAULT 0, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, \`last_login_at\` datetime(3) NULL, UNIQUE INDEX \`IDX_fe0bb3f6520ee0469504521e71\` (\`username\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`api_tokens\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`user_id\` int UNSIGNED NOT NULL, \`name\` varchar(128) NOT NULL, \`token_hash\` char(64) NOT NULL, \`prefix\` varchar(16) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`expires_at\` datetime(3) NULL, \`last_used_at\` datetime(3) NULL, INDEX \`IDX_b74883f5884a42fd8496d389b2\` (\`user_id\`), UNIQUE INDEX \`IDX_bbd687a104e1921e6702c6e3aa\` (\`token_hash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`sessions\` (\`id\` char(32) NOT NULL, \`user_id\` int UNSIGNED NOT NULL, \`created_at\` datetime(3) NOT NULL, \`expires_at\` datetime(3) NOT NULL, \`ip\` varchar(45) NULL, INDEX \`IDX_085d540d9f418cfbdc7bd55bb1\` (\`user_id\`), INDEX \`IDX_9cfe37d28c3b229a350e086d94\` (\`expires_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`audit_log\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`at\` datetime(3) NOT NULL, \`user_id\` int UNSIGNED NULL, \`username\` varchar(64) NULL, \`action\` varchar(64) NOT NULL, \`object_type\` varchar(32) NULL, \`object_id\` varchar(64) NULL, \`summary\` text NULL, \`ip\` varchar(45) NULL, \`request_id\` varchar(64) NULL, \`status_code\` smallint UNSIGNED NOT NULL, INDEX \`IDX_ba27cef5b8b2b1a756e06ebcc5\` (\`at\`), INDEX \`IDX_a6b8adfa094785bf8ed30f2688\` (\`action\`, \`at\`), INDEX \`IDX_8aa8bbfcb68682e135a2431e07\` (\`object_type\`, \`object_id\`), INDEX \`IDX_97b0cb392291a916b304880cae\` (\`user_id\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`credentials\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`name\` varchar(128) NOT NULL, \`kind\` varchar(16) NOT NULL, \`username\` varchar(255) NULL, \`params\` text NOT NULL, \`secret\` text NOT NULL, \`key_id\` varchar(16) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_03fa0f30ef826a421f8b5be53e\` (\`name\`), INDEX \`IDX_d9eedcb0235108559aa098089f\` (\`key_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`device_sources\` (\`device_id\` int UNSIGNED NOT NULL, \`kind\` varchar(16) NOT NULL, \`first_seen\` datetime(3) NOT NULL, \`last_seen\` datetime(3) NOT NULL, PRIMARY KEY (\`device_id\`, \`kind\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`device_tags\` (\`device_id\` int UNSIGNED NOT NULL, \`tag\` varchar(64) NOT NULL, INDEX \`IDX_26a4278e6538ac1b6d190d5767\` (\`tag\`, \`device_id\`), PRIMARY KEY (\`device_id\`, \`tag\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`devices\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`hostname\` varchar(255) NULL, \`fqdn\` varchar(255) NULL, \`type\` varchar(32) NOT NULL DEFAULT 'other', \`platform\` varchar(32) NOT NULL DEFAULT 'other', \`vendor\` varchar(128) NULL, \`model\` varchar(255) NULL, \`serial\` varchar(128) NULL, \`os_family\` varchar(32) NULL, \`os_name\` varchar(255) NULL, \`os_version\` varchar(128) NULL, \`status\` varchar(16) NOT NULL DEFAULT 'active', \`location\` varchar(255) NULL, \`assigned_to\` varchar(255) NULL, \`notes\` text NULL, \`primary_ip\` varchar(45) NULL, \`first_seen\` datetime(3) NOT NULL, \`last_seen\` datetime(3) NOT NULL, \`retired_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`IDX_7ecabccd77815834e49495a270\` (\`fqdn\`), INDEX \`IDX_49c03378106ff08a5f00c974c2\` (\`type\`), INDEX \`IDX_db9be85d4e95f57160f4569022\` (\`vendor\`), INDEX \`IDX_e26aeb1d85febb98197857ab7e\` (\`model\`), INDEX \`IDX_f3a8ce1efac49c94b300d05eb1\` (\`serial\`), INDEX \`IDX_147150fe0fa8a52c7719a8657a\` (\`location\`), INDEX \`IDX_563ee55c14ff2493be4d9244f8\` (\`primary_ip\`), INDEX \`IDX_ef54be03522ab8b6c4bc7b5dd4\` (\`first_seen\`), INDEX \`IDX_40ad801c131a8be141095678cb\` (\`last_seen\`, \`id\`, \`status\`), INDEX \`IDX_8efede82109a8623a183849a27\` (\`hostname\`, \`id\`, \`status\`), INDEX \`IDX_36d2caefcf3d0484932ae96f38\` (\`os_family\`, \`status\`), INDEX \`IDX_72c6fbb88f4233fe5679b4b1d8\` (\`status\`, \`last_seen\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`device_addresses\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`device_id\` int UNSIGNED NOT NULL, \`ip\` varchar(45) NULL, \`mac\` varchar(17) NULL, \`interface_name\` varchar(255) NULL, INDEX \`IDX_93ddfd1dbbccaead6c42980135\` (\`device_id\`), INDEX \`IDX_d2a37ac188fb2a0aae78a7b3d3\` (\`ip\`), INDEX \`IDX_249bd50fc06380371f12e2b8c4\` (\`mac\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`hardware_components\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`device_id\` int UNSIGNED NOT NULL, \`kind\` varchar(16) NOT NULL, \`name\` varchar(255) NULL, \`manufacturer\` varchar(255) NULL, \`model\` varchar(255) NULL, \`serial\` varchar(128) NULL, \`capacity_bytes\` bigint UNSIGNED NULL, \`speed_mhz\` int UNSIGNED NULL, \`cores\` int UNSIGNED NULL, \`slot\` varchar(64) NULL, INDEX \`IDX_d19f06b8cce59a20c34ac73751\` (\`device_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`network_interfaces\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`device_id\` int UNSIGNED NOT NULL, \`name\` varchar(255) NOT NULL, \`description\` varchar(255) NULL, \`if_index\` int UNSIGNED NULL, \`mac\` varchar(17) NULL, \`speed_mbps\` int UNSIGNED NULL, \`mtu\` int UNSIGNED NULL, \`admin_status\` varchar(16) NULL, \`oper_status\` varchar(16) NULL, INDEX \`IDX_21c7cd3a26e61718ff3a8ac823\` (\`device_id\`), INDEX \`IDX_d16e31f851b0d5aa0bee039b9d\` (\`mac\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`inventory_history\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`device_id\` int UNSIGNED NOT NULL, \`at\` datetime(3) NOT NULL, \`kind\` varchar(16) NOT NULL, \`action\` varchar(16) NOT NULL, \`subject\` varchar(255) NOT NULL, \`before_value\` text NULL, \`after_value\` text NULL, \`source\` varchar(16) NULL, \`actor\` varchar(64) NULL, INDEX \`IDX_64366633d7f6247a8fd3a0d27a\` (\`device_id\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`software\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`name\` varchar(255) NOT NULL, \`normalized_name\` varchar(255) NOT NULL, \`publisher\` varchar(255) NOT NULL DEFAULT '', \`created_at\` datetime(3) NOT NULL, \`device_count\` int UNSIGNED NOT NULL DEFAULT '0', \`counted_at\` datetime(3) NULL, UNIQUE INDEX \`IDX_61410ffc7d86e1e3648d5075e9\` (\`normalized_name\`, \`publisher\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`installed_software\` (\`id\` int UNSIGNED NOT NULL AUTO_INCREMENT, \`device_id\` int UNSIGNED NOT NULL, \`software_id\` int UNSIGNED NOT NULL, \`version\` varchar(128) NOT NULL DEFAULT '', \`architecture\` varchar(32) NOT NULL DEFAULT '', \`install_date\` date NULL, \`source\` varchar(16) NULL, \`first_seen\` datetime(3) NOT NULL, INDEX \`IDX_1be7896ec99a619dfb627b91fc\` (\`software_id\`, \`version\`), INDEX \`IDX_e4900952bc0ac43a9245f9a244\` (\`software_id\`, \`device_id\`), UNIQUE INDEX \`IDX_035ea014147401c7db15ccc20b\` (\`device_id\`, \`software_id\`, \`version\`, \`architecture\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`api_tokens\` ADD CONSTRAINT \`FK_b74883f5884a42fd8496d389b25\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`sessions\` ADD CONSTRAINT \`FK_085d540d9f418cfbdc7bd55bb19\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`device_sources\` ADD CONSTRAINT \`FK_fe855dbdaeec07144aa565ba680\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`device_tags\` ADD CONSTRAINT \`FK_c1f812d4be376a6b2b3e097916d\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`device_addresses\` ADD CONSTRAINT \`FK_93ddfd1dbbccaead6c429801352\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`hardware_components\` ADD CONSTRAINT \`FK_d19f06b8cce59a20c34ac73751e\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`network_interfaces\` ADD CONSTRAINT \`FK_21c7cd3a26e61718ff3a8ac8232\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`inventory_history\` ADD CONSTRAINT \`FK_19c387dd0cb90e15f41e121afc1\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`installed_software\` ADD CONSTRAINT \`FK_81fd52d64947c90754c297949d7\` FOREIGN KEY (\`device_id\`) REFERENCES \`devices\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`installed_software\` ADD CONSTRAINT \`FK_1074a90e13a0843706deb47523d\` FOREIGN KEY (\`software_id\`) REFERENCES \`software\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`installed_software\` DROP FOREIGN KEY \`FK_1074a90e13a0843706deb47523d\``);
    await queryRunner.query(`ALTER TABLE \`installed_software\` DROP FOREIGN KEY \`FK_81fd52d64947c90754c297949d7\``);
    await queryRunner.query(`ALTER TABLE \`inventory_history\` DROP FOREIGN KEY \`FK_19c387dd0cb90e15f41e121afc1\``);
    await queryRunner.query(`ALTER TABLE \`network_interfaces\` DROP FOREIGN KEY \`FK_21c7cd3a26e61718ff3a8ac8232\``);
    await queryRunner.query(`ALTER TABLE \`hardware_components\` DROP FOREIGN KEY \`FK_d19f06b8cce59a20c34ac73751e\``);
    await queryRunner.query(`ALTER TABLE \`device_addresses\` DROP FOREIGN KEY \`FK_93ddfd1dbbccaead6c429801352\``);
    await queryRunner.query(`ALTER TABLE \`device_tags\` DROP FOREIGN KEY \`FK_c1f812d4be376a6b2b3e097916d\``);
    await queryRunner.query(`ALTER TABLE \`device_sources\` DROP FOREIGN KEY \`FK_fe855dbdaeec07144aa565ba680\``);
    await queryRunner.query(`ALTER TABLE \`sessions\` DROP FOREIGN KEY \`FK_085d540d9f418cfbdc7bd55bb19\``);
    await queryRunner.query(`ALTER TABLE \`api_tokens\` DROP FOREIGN KEY \`FK_b74883f5884a42fd8496d389b25\``);
    await queryRunner.query(`DROP INDEX \`IDX_035ea014147401c7db15ccc20b\` ON \`installed_software\``);
    await queryRunner.query(`DROP INDEX \`IDX_e4900952bc0ac43a9245f9a244\` ON \`installed_software\``);
    await queryRunner.query(`DROP INDEX \`IDX_1be7896ec99a619dfb627b91fc\` ON \`installed_software\``);
    await queryRunner.query(`DROP TABLE \`installed_software\``);
    await queryRunner.query(`DROP INDEX \`IDX_61410ffc7d86e1e3648d5075e9\` ON \`software\``);
    await queryRunner.query(`DROP TABLE \`software\``);
    await queryRunner.query(`DROP INDEX \`IDX_64366633d7f6247a8fd3a0d27a\` ON \`inventory_history\``);
    await queryRunner.query(`DROP TABLE \`inventory_history\``);
    await queryRunner.query(`DROP INDEX \`IDX_d16e31f851b0d5aa0bee039b9d\` ON \`network_interfaces\``);
    await queryRunner.query(`DROP INDEX \`IDX_21c7cd3a26e61718ff3a8ac823\` ON \`network_interfaces\``);
    await queryRunner.query(`DROP TABLE \`network_interfaces\``);
    await queryRunner.query(`DROP INDEX \`IDX_d19f06b8cce59a20c34ac73751\` ON \`hardware_components\``);
    await queryRunner.query(`DROP TABLE \`hardware_components\``);
    await queryRunner.query(`DROP INDEX \`IDX_249bd50fc06380371f12e2b8c4\` ON \`device_addresses\``);
    await queryRunner.query(`DROP INDEX \`IDX_d2a37ac188fb2a0aae78a7b3d3\` ON \`device_addresses\``);
    await queryRunner.query(`DROP INDEX \`IDX_93ddfd1dbbccaead6c42980135\` ON \`device_addresses\``);
    await queryRunner.query(`DROP TABLE \`device_addresses\``);
    await queryRunner.query(`DROP INDEX \`IDX_72c6fbb88f4233fe5679b4b1d8\` ON \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_36d2caefcf3d0484932ae96f38\` ON \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_8efede82109a8623a183849a27\` ON \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_40ad801c131a8be141095678cb\` ON \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_ef54be03522ab8b6c4bc7b5dd4\` ON \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_563ee55c14ff2493be4d9244f8\` ON \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_147150fe0fa8a52c7719a8657a\` ON \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_f3a8ce1efac49c94b300d05eb1\` ON \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_e26aeb1d85febb98197857ab7e\` ON \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_db9be85d4e95f57160f4569022\` ON \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_49c03378106ff08a5f00c974c2\` ON \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_7ecabccd77815834e49495a270\` ON \`devices\``);
    await queryRunner.query(`DROP TABLE \`devices\``);
    await queryRunner.query(`DROP INDEX \`IDX_26a4278e6538ac1b6d190d5767\` ON \`device_tags\``);
    await queryRunner.query(`DROP TABLE \`device_tags\``);
    await queryRunner.query(`DROP TABLE \`device_sources\``);
    await queryRunner.query(`DROP INDEX \`IDX_d9eedcb0235108559aa098089f\` ON \`credentials\``);
    await queryRunner.query(`DROP INDEX \`IDX_03fa0f30ef826a421f8b5be53e\` ON \`credentials\``);
    await queryRunner.query(`DROP TABLE \`credentials\``);
    await queryRunner.query(`DROP INDEX \`IDX_97b0cb392291a916b304880cae\` ON \`audit_log\``);
    await queryRunner.query(`DROP INDEX \`IDX_8aa8bbfcb68682e135a2431e07\` ON \`audit_log\``);
    await queryRunner.query(`DROP INDEX \`IDX_a6b8adfa094785bf8ed30f2688\` ON \`audit_log\``);
    await queryRunner.query(`DROP INDEX \`IDX_ba27cef5b8b2b1a756e06ebcc5\` ON \`audit_log\``);
    await queryRunner.query(`DROP TABLE \`audit_log\``);
    await queryRunner.query(`DROP INDEX \`IDX_9cfe37d28c3b229a350e086d94\` ON \`sessions\``);
    await queryRunner.query(`DROP INDEX \`IDX_085d540d9f418cfbdc7bd55bb1\` ON \`sessions\``);
    await queryRunner.query(`DROP TABLE \`sessions\``);
    await queryRunner.query(`DROP INDEX \`IDX_bbd687a104e1921e6702c6e3aa\` ON \`api_tokens\``);
    await queryRunner.query(`DROP INDEX \`IDX_b74883f5884a42fd8496d389b2\` ON \`api_tokens\``);
    await queryRunner.query(`DROP TABLE \`api_tokens\``);
    await queryRunner.query(`DROP INDEX \`IDX_fe0bb3f6520ee0469504521e71\` ON \`users\``);
    await queryRunner.query(`DROP TABLE \`users\``);
  }
}
