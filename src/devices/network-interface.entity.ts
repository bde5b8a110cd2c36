import { Column, Entity, Index, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { IdColumn, RefColumn, TextColumn } from '../database/columns';
import { Device } from './device.entity';

@Entity('network_interfaces')
export class NetworkInterface {
  @IdColumn() id: number;
  @Index() @RefColumn() deviceId: number;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @TextColumn(255) description: string | null;
  @Column({ type: 'int', unsigned: true, nullable: true }) ifIndex: number | null;
  @Index() @TextColumn(17) mac: string | null;
  @Column({ type: 'int', unsigned: true, nullable: true }) speedMbps: number | null;
  @Column({ type: 'int', unsigned: true, nullable: true }) mtu: number | null;
  @TextColumn(16) adminStatus: string | null;
  @TextColumn(16) operStatus: string | null;
  @ManyToOne(() => Device, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
}
