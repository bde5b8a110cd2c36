import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsDate, IsIn, IsInt, IsIP, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested,
} from 'class-validator';
import { SearchPageQuery, sortValues } from '../common/pagination';
import { DEVICE_STATUSES, DEVICE_TYPES, DeviceStatus, DeviceType, PLATFORMS, Platform } from './device.entity';
import { SOURCE_KINDS, SourceKind } from './device-source.entity';
import { HARDWARE_KINDS } from './hardware-component.entity';
import { HISTORY_ACTIONS, HISTORY_KINDS } from './history-entry.entity';

/** No control characters in one-line fields (names, serials); text from devices and users alike. */
export const ONE_LINE = /^[^\u0000-\u001f\u007f]*$/;
const oneLine = { message: '$property must be one line without control characters' };
export const MAC = /^[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$|^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/;
export const TAG = /^[A-Za-z0-9][A-Za-z0-9 _.:\/-]{0,63}$/;
const tagMessage = { each: true, message: 'each tag is 1 to 64 letters, digits, spaces or _ . : / - starting with a letter or digit' };

/** Sortable fields of the device list and the column each sorts by. */
export const DEVICE_SORT: Record<string, string> = {
  id: 'd.id', hostname: 'd.hostname', fqdn: 'd.fqdn', type: 'd.type', platform: 'd.platform', vendor: 'd.vendor',
  model: 'd.model', serial: 'd.serial', osFamily: 'd.os_family', osName: 'd.os_name', osVersion: 'd.os_version',
  status: 'd.status', location: 'd.location', assignedTo: 'd.assigned_to', primaryIp: 'd.primary_ip',
  firstSeen: 'd.first_seen', lastSeen: 'd.last_seen',
};

const trimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class DeviceFilterQuery extends SearchPageQuery {
  @ApiPropertyOptional({
    description: 'matches the beginning of hostname, FQDN, serial, model, IP or MAC (any notation), or any part of an installed software title',
    example: 'firefox',
  })
  @IsOptional() @IsString() @MaxLength(200)
  declare q?: string;

  @ApiPropertyOptional({ enum: DEVICE_TYPES }) @IsOptional() @IsIn(DEVICE_TYPES) type?: DeviceType;
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: Platform;
  @ApiPropertyOptional({ example: 'linux' }) @IsOptional() @IsString() @MaxLength(32) osFamily?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) vendor?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(TAG, { message: 'tag is 1 to 64 letters, digits, spaces or _ . : / -' }) tag?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) location?: string;
  @ApiPropertyOptional({ enum: [...DEVICE_STATUSES, 'all'], description: 'default: every status but retired' })
  @IsOptional() @IsIn([...DEVICE_STATUSES, 'all'])
  status?: DeviceStatus | 'all';
  @ApiPropertyOptional({ description: 'ISO 8601' }) @IsOptional() @Type(() => Date) @IsDate() lastSeenBefore?: Date;
  @ApiPropertyOptional({ description: 'ISO 8601' }) @IsOptional() @Type(() => Date) @IsDate() lastSeenAfter?: Date;
  @ApiPropertyOptional({ enum: sortValues(DEVICE_SORT), default: 'hostname' })
  @IsOptional() @IsIn(sortValues(DEVICE_SORT), { message: `sort must be one of ${sortValues(DEVICE_SORT).join(', ')}` })
  sort?: string;
}

export class AddressDto {
  @ApiPropertyOptional({ example: '192.0.2.10' }) @IsOptional() @IsIP() ip?: string;
  @ApiPropertyOptional({ example: '00:1a:2b:3c:4d:5e' }) @IsOptional() @Matches(MAC, { message: 'mac must be a MAC address such as 00:1a:2b:3c:4d:5e' }) mac?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) @Matches(ONE_LINE, oneLine) interfaceName?: string;
}

/** Fields a technician may set by hand, on create, update and CSV import alike. */
export class DeviceFieldsDto {
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MinLength(1) @MaxLength(255) @Matches(ONE_LINE, oneLine) hostname?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(255) @Matches(ONE_LINE, oneLine) fqdn?: string;
  @ApiPropertyOptional({ enum: DEVICE_TYPES }) @IsOptional() @IsIn(DEVICE_TYPES) type?: DeviceType;
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: Platform;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(128) @Matches(ONE_LINE, oneLine) vendor?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(255) @Matches(ONE_LINE, oneLine) model?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(128) @Matches(ONE_LINE, oneLine) serial?: string;
  @ApiPropertyOptional({ example: 'linux' }) @IsOptional() @trimmed() @IsString() @MaxLength(32) @Matches(ONE_LINE, oneLine) osFamily?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(255) @Matches(ONE_LINE, oneLine) osName?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(128) @Matches(ONE_LINE, oneLine) osVersion?: string;
  @ApiPropertyOptional({ example: '192.0.2.10' }) @IsOptional() @IsIP() primaryIp?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(255) @Matches(ONE_LINE, oneLine) location?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxLength(255) @Matches(ONE_LINE, oneLine) assignedTo?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10_000) notes?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Matches(TAG, tagMessage)
  tags?: string[];
}

export class CreateDeviceDto extends DeviceFieldsDto {
  @ApiPropertyOptional({ type: [AddressDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(256) @ValidateNested({ each: true }) @Type(() => AddressDto)
  addresses?: AddressDto[];
}

export class UpdateDeviceDto extends CreateDeviceDto {
  @ApiPropertyOptional({ enum: DEVICE_STATUSES, description: 'retired hides the device from default lists; active brings it back' })
  @IsOptional() @IsIn(DEVICE_STATUSES)
  status?: DeviceStatus;
}

/** The other device of a merge or of a distinct pair. */
export class OtherDeviceDto {
  @ApiProperty({ example: 42, description: 'id of the other device' })
  @IsInt({ message: 'otherId must be a device id (an integer)' }) @Min(1) @Max(4_294_967_295)
  otherId: number;
}

export class HistoryQuery extends SearchPageQuery {
  @ApiPropertyOptional({ enum: HISTORY_KINDS }) @IsOptional() @IsIn(HISTORY_KINDS) kind?: string;
}

export class DeviceSoftwareQuery extends SearchPageQuery {
  @ApiPropertyOptional({ enum: ['name', '-name', 'version', '-version', 'installDate', '-installDate'], default: 'name' })
  @IsOptional() @IsIn(['name', '-name', 'version', '-version', 'installDate', '-installDate'])
  sort?: string;
}

// ---- response shapes (for the OpenAPI document) ----

export class AddressView {
  @ApiPropertyOptional({ nullable: true, type: String }) ip: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) mac: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) interfaceName: string | null;
}

export class SourceView {
  @ApiProperty({ enum: SOURCE_KINDS }) kind: SourceKind;
  @ApiProperty() firstSeen: Date;
  @ApiProperty() lastSeen: Date;
}

export class DeviceView {
  @ApiProperty() id: number;
  @ApiPropertyOptional({ nullable: true, type: String }) hostname: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) fqdn: string | null;
  @ApiProperty({ enum: DEVICE_TYPES }) type: DeviceType;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiPropertyOptional({ nullable: true, type: String }) vendor: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) model: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) serial: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) osFamily: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) osName: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) osVersion: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) primaryIp: string | null;
  @ApiProperty({ type: [AddressView] }) addresses: AddressView[];
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) location: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) assignedTo: string | null;
  @ApiProperty({ enum: DEVICE_STATUSES }) status: DeviceStatus;
  @ApiProperty({ type: [SourceView] }) sources: SourceView[];
  @ApiProperty() firstSeen: Date;
  @ApiProperty() lastSeen: Date;
}

export class HardwareView {
  @ApiProperty({ enum: HARDWARE_KINDS }) kind: string;
  @ApiPropertyOptional({ nullable: true, type: String }) name: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) manufacturer: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) model: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) serial: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) capacityBytes: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) speedMhz: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) cores: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) slot: string | null;
}

export class InterfaceView {
  @ApiProperty() name: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) ifIndex: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) mac: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) speedMbps: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) mtu: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) adminStatus: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) operStatus: string | null;
}

export class NeighbourView {
  @ApiProperty({ enum: ['lldp', 'cdp'] }) protocol: 'lldp' | 'cdp';
  @ApiPropertyOptional({ nullable: true, type: String, description: 'this device\'s port' }) localPort: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) remoteName: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) remotePort: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) remoteAddress: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) remotePlatform: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) remoteChassisId: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'the known device with that address, else with that hostname or FQDN' })
  remoteDeviceId: number | null;
  @ApiProperty() lastSeen: Date;
}

export class DeviceDetailView extends DeviceView {
  @ApiPropertyOptional({ nullable: true, type: String }) notes: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) retiredAt: Date | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty({ type: [HardwareView] }) hardware: HardwareView[];
  @ApiProperty({ type: [InterfaceView] }) interfaces: InterfaceView[];
  @ApiProperty({ type: [NeighbourView], description: 'what LLDP/CDP last said is on the other end of each port' }) neighbours: NeighbourView[];
  @ApiProperty({ type: [Number], description: 'devices a technician marked as different machines; ingest never gives them each other\'s reports' })
  distinctFrom: number[];
}

export class DevicePage {
  @ApiProperty({ type: [DeviceView] }) items: DeviceView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}

export class HistoryView {
  @ApiProperty() at: Date;
  @ApiProperty({ enum: HISTORY_KINDS }) kind: string;
  @ApiProperty({ enum: HISTORY_ACTIONS }) action: string;
  @ApiProperty() subject: string;
  @ApiPropertyOptional() before?: string;
  @ApiPropertyOptional() after?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) source: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) actor: string | null;
}

export class ImportRowResult {
  @ApiProperty({ description: 'line number in the CSV file (the header is line 1)' }) line: number;
  @ApiProperty({ enum: ['created', 'updated', 'failed'] }) status: 'created' | 'updated' | 'failed';
  @ApiPropertyOptional() id?: number;
  @ApiPropertyOptional({ description: 'one entry per offending column' }) errors?: Array<{ field: string; messages: string[] }>;
}

export class ImportReport {
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty() failed: number;
  @ApiProperty({ type: [ImportRowResult] }) rows: ImportRowResult[];
}

export const MANUAL_SOURCE: SourceKind = 'manual';
