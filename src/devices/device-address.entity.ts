import { Entity, Index, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { IdColumn, RefColumn, TextColumn } from '../database/columns';
import { Device } from './device.entity';

/** An IP and/or MAC address of a device; MACs are stored lower-case with colons. */
@Entity('device_addresses')
export class DeviceAddress {
  @IdColumn() id: number;
  @Index() @RefColumn() deviceId: number;
  @Index() @TextColumn(45) ip: string | null;
  @Index() @TextColumn(17) mac: string | null;
  @TextColumn(255) interfaceName: string | null;
  @ManyToOne(() => Device, (d) => d.addresses, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
}

/** An address row as history and comparisons name it: "ip mac", either part absent when unknown. */
export function addressKey(a: { ip: string | null; mac: string | null }): string {
  return [a.ip, a.mac].filter(Boolean).join(' ');
}
