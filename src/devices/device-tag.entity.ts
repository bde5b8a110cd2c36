import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { Device } from './device.entity';

@Entity('device_tags')
@Index(['tag', 'deviceId'])
export class DeviceTag {
  @PrimaryColumn({ type: 'int', unsigned: true }) deviceId: number;
  @PrimaryColumn({ type: 'varchar', length: 64 }) tag: string;
  @ManyToOne(() => Device, (d) => d.tags, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
}
