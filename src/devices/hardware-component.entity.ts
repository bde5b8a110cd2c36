import { Column, Entity, Index, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { IdColumn, RefColumn, TextColumn } from '../database/columns';
import { Device } from './device.entity';

export const HARDWARE_KINDS = ['cpu', 'memory', 'disk', 'other'] as const;
export type HardwareKind = (typeof HARDWARE_KINDS)[number];

/** A CPU, memory module or disk of a device. */
@Entity('hardware_components')
export class HardwareComponent {
  @IdColumn() id: number;
  @Index() @RefColumn() deviceId: number;
  @Column({ type: 'varchar', length: 16 }) kind: HardwareKind;
  @TextColumn(255) name: string | null;
  @TextColumn(255) manufacturer: string | null;
  @TextColumn(255) model: string | null;
  @TextColumn(128) serial: string | null;
  @Column({ type: 'bigint', unsigned: true, nullable: true }) capacityBytes: number | null;
  @Column({ type: 'int', unsigned: true, nullable: true }) speedMhz: number | null;
  @Column({ type: 'int', unsigned: true, nullable: true }) cores: number | null;
  @TextColumn(64) slot: string | null;
  @ManyToOne(() => Device, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
}
