// devices/: which credential last worked for a device over each protocol, tried first next time.
import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { RefColumn, TimeColumn } from '../database/columns';
import { Device } from './device.entity';

@Entity('device_credentials')
export class DeviceCredential {
  @PrimaryColumn({ type: 'int', unsigned: true }) deviceId: number;
  /** snmp or ssh */
  @PrimaryColumn({ type: 'varchar', length: 8 }) protocol: string;
  @Index() @RefColumn() credentialId: number;
  @TimeColumn() lastOkAt: Date;
  @ManyToOne(() => Device, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
}
