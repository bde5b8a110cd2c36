import { Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { TimeColumn } from '../database/columns';
import { Device } from './device.entity';

export const SOURCE_KINDS = ['snmp', 'ssh', 'agent', 'manual'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Which source saw a device, first and last. */
@Entity('device_sources')
export class DeviceSource {
  @PrimaryColumn({ type: 'int', unsigned: true }) deviceId: number;
  @PrimaryColumn({ type: 'varchar', length: 16 }) kind: SourceKind;
  @TimeColumn() firstSeen: Date;
  @TimeColumn() lastSeen: Date;
  @ManyToOne(() => Device, (d) => d.sources, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
}
