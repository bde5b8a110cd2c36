// devices/: what a device's LLDP or CDP tables say is on the other end of each port.
import { Column, Entity, Index, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from '../database/columns';
import { Device } from './device.entity';

@Entity('device_neighbours')
export class DeviceNeighbour {
  @IdColumn() id: number;
  @Index() @RefColumn() deviceId: number;
  @Column({ type: 'varchar', length: 8 }) protocol: 'lldp' | 'cdp';
  @TextColumn(255) localPort: string | null;
  @Index() @TextColumn(255) remoteName: string | null;
  @TextColumn(255) remotePort: string | null;
  @TextColumn(45) remoteAddress: string | null;
  @TextColumn(255) remotePlatform: string | null;
  @TextColumn(255) remoteChassisId: string | null;
  @TimeColumn() lastSeen: Date;
  @ManyToOne(() => Device, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
}
