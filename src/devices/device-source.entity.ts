import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { TextColumn, TimeColumn } from '../database/columns';
import { Device } from './device.entity';

export const SOURCE_KINDS = ['snmp', 'ssh', 'agent', 'manual'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Which source saw a device, first and last. */
@Entity('device_sources')
@Index(['kind', 'address'])
export class DeviceSource {
  @PrimaryColumn({ type: 'int', unsigned: true }) deviceId: number;
  @PrimaryColumn({ type: 'varchar', length: 16 }) kind: SourceKind;
  @TimeColumn() firstSeen: Date;
  @TimeColumn() lastSeen: Date;
  /**
   * The address this source reached the device at when it last saw it (a scan's target, the
   * first address a report names); null for sightings without one (a technician's edit).
   */
  @TextColumn(45) address: string | null;
  @ManyToOne(() => Device, (d) => d.sources, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
}
