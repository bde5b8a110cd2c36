// Devices: each source remembers the address it last reached a device at, so that a machine one
// source reaches at an address its own interfaces do not carry (a NAT or management address)
// keeps that address, and its primary one, when another source reports the whole picture.
// Sightings made before this have none until their source sees the device again.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSourceAddress1796007646896 implements MigrationInterface {
  name = 'AddSourceAddress1796007646896';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`device_sources\` ADD \`address\` varchar(45) NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`device_sources\` DROP COLUMN \`address\``);
  }
}
