// Devices: each source remembers the address it last reached a device at, so that a machine one
// source reaches at an address its own interfaces do not carry (a NAT or management address)
// keeps that address, and its primary one, when another source reports the whole picture; by
// kind and address, so that a source reaching another machine at that address takes it over.
// Sightings made before this have none until their source sees the device again.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSourceAddress1796007646896 implements MigrationInterface {
  name = 'AddSourceAddress1796007646896';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`device_sources\` ADD \`address\` varchar(45) NULL`);
    await queryRunner.query(`CREATE INDEX \`IDX_5a4d55d005c35ff649728c5fa4\` ON \`device_sources\` (\`kind\`, \`address\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_5a4d55d005c35ff649728c5fa4\` ON \`device_sources\``);
    await queryRunner.query(`ALTER TABLE \`device_sources\` DROP COLUMN \`address\``);
  }
}
