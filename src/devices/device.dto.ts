import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, isIP, IsObject, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy, ValidateNested, ValidationArguments } from 'class-validator';
import { IsoDateTime, MaxChars, Omittable, StorableDate, STORABLE_DATES_TEXT, trimmed } from '../common/dto-fields';
import { ipOrder, SearchPageQuery, sortValues } from '../common/pagination';
import { DEVICE_STATUSES, DEVICE_TYPES, DeviceStatus, DeviceType, OS_FAMILIES, PLATFORMS, Platform, UNKNOWN_OS_FAMILY } from './device.entity';
import { SOURCE_KINDS, SourceKind } from './device-source.entity';
import { HARDWARE_KINDS } from './hardware-component.entity';
import { HISTORY_ACTIONS, HISTORY_KINDS } from './history-entry.entity';

/**
 * No control characters in one-line fields (names, serials); text from devices and users alike.
 * C1 controls (U+0080–U+009F: U+009B starts a terminal escape) and explicit text-direction
 * overrides (U+202A–U+202E, U+2066–U+2069: "Invoice\u202Eexe.pdf" shows as "Invoicefdp.exe")
 * are refused too, as ingest strips them from what devices send.
 */
export const ONE_LINE = /^[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*$/;
const oneLine = { message: '$property must be one line without control or text-direction characters' };
export const MAC = /^[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$|^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/;
export const TAG = /^[A-Za-z0-9][A-Za-z0-9 _.:\/-]{0,63}$/;
export const TAG_MESSAGE = { each: true, message: 'each tag is 1 to 64 letters, digits, spaces or _ . : / - starting with a letter or digit' };

/** Sortable fields of the device list and the column each sorts by. */
export const DEVICE_SORT: Record<string, string> = {
  id: 'd.id', hostname: 'd.hostname', fqdn: 'd.fqdn', type: 'd.type', platform: 'd.platform', vendor: 'd.vendor',
  model: 'd.model', serial: 'd.serial', osFamily: 'd.os_family', osName: 'd.os_name', osVersion: 'd.os_version',
  status: 'd.status', location: 'd.location', assignedTo: 'd.assigned_to',
  // by value (a filesort, as the text's was: 24 ms a page of 100k devices here)
  primaryIp: ipOrder('d.primary_ip'),
  firstSeen: 'd.first_seen', lastSeen: 'd.last_seen',
};

/**
 * An IPv4 or IPv6 address as the inventory stores it (45 characters at most). Not with a zone
 * id (fe80::1%eth0): the zone names an interface of the host that wrote the address, which
 * means nothing to anyone else, and its length has no limit.
 */
const StoredIp = () => ValidateBy({
  name: 'isStoredIp',
  validator: {
    validate: (v: unknown) => typeof v === 'string' && !v.includes('%') && isIP(v),
    defaultMessage: (args?: ValidationArguments) => `${args?.property} must be an IPv4 or IPv6 address without a zone (no %…)`,
  },
});

/**
 * A version means nothing without its title: softwareVersion alone is a 400 naming it, not a
 * filter silently left out (which matched every device).
 */
const WithSoftwareId = () => ValidateBy({
  name: 'withSoftwareId',
  validator: {
    validate: (_v: unknown, args?: ValidationArguments) => (args?.object as { softwareId?: unknown }).softwareId !== undefined,
    defaultMessage: () => 'softwareVersion needs softwareId (the title whose version it is)',
  },
});

export class DeviceFilterQuery extends SearchPageQuery {
  @ApiPropertyOptional({
    description: 'matches the beginning of hostname, FQDN, serial, model, IP or MAC (any notation), or any part of an installed software title',
    example: 'firefox',
  })
  @IsOptional() @IsString() @MaxChars(200)
  declare q?: string;

  @ApiPropertyOptional({ enum: DEVICE_TYPES }) @IsOptional() @IsIn(DEVICE_TYPES) type?: DeviceType;
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: Platform;
  @ApiPropertyOptional({ example: 'linux', description: `one of ${OS_FAMILIES.join(', ')}; ${UNKNOWN_OS_FAMILY}: the devices whose OS family is not known` })
  @IsOptional() @IsString() @MaxChars(32) osFamily?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxChars(128) vendor?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(TAG, { message: 'tag is 1 to 64 letters, digits, spaces or _ . : / -' }) tag?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxChars(255) location?: string;
  @ApiPropertyOptional({ description: 'the devices that have this software title installed (its id in /api/software)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) softwareId?: number;
  @ApiPropertyOptional({ description: "with softwareId: only the devices that have the title at this version exactly (as a title's version spread counts them); empty: installed without a version" })
  @IsOptional() @IsString() @MaxChars(128) @WithSoftwareId() softwareVersion?: string;
  @ApiPropertyOptional({ enum: [...DEVICE_STATUSES, 'all'], description: 'default: every status but retired' })
  @IsOptional() @IsIn([...DEVICE_STATUSES, 'all'])
  status?: DeviceStatus | 'all';
  // a date no stored time can have is a 400 naming the field, as in request bodies, not an empty page
  @ApiPropertyOptional({ description: `ISO 8601, ${STORABLE_DATES_TEXT}` }) @IsOptional() @IsoDateTime() @StorableDate() lastSeenBefore?: Date;
  @ApiPropertyOptional({ description: `ISO 8601, ${STORABLE_DATES_TEXT}` }) @IsOptional() @IsoDateTime() @StorableDate() lastSeenAfter?: Date;
  @ApiPropertyOptional({ enum: sortValues(DEVICE_SORT), default: 'hostname' })
  @IsOptional() @IsIn(sortValues(DEVICE_SORT), { message: `sort must be one of ${sortValues(DEVICE_SORT).join(', ')}` })
  sort?: string;
}

/** The device list's filter without paging and sort: the devices a bulk edit applies to. */
export class DeviceFilterDto extends OmitType(DeviceFilterQuery, ['page', 'limit', 'sort'] as const) {}

/** Most devices one bulk edit may name by id (the JSON body limit allows about this many). */
export const MAX_BULK_IDS = 100_000;

export class BulkTagDto {
  @ApiPropertyOptional({ type: [Number], description: 'these devices, whatever their status; give ids or filter, not both' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_BULK_IDS)
  @IsInt({ each: true, message: 'each id must be a device id (an integer)' }) @Min(1, { each: true }) @Max(4_294_967_295, { each: true })
  ids?: number[];

  @ApiPropertyOptional({ type: DeviceFilterDto, description: 'every device the device list would show with this query (without page, limit and sort), matched once when the request starts' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => DeviceFilterDto)
  filter?: DeviceFilterDto;

  @ApiPropertyOptional({ type: [String], example: ['floor-2'], description: 'tags to add where missing' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Matches(TAG, TAG_MESSAGE)
  addTags?: string[];

  @ApiPropertyOptional({ type: [String], example: ['lab'], description: 'tags to remove where present' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Matches(TAG, TAG_MESSAGE)
  removeTags?: string[];
}

export class AddressDto {
  @ApiPropertyOptional({ example: '192.0.2.10', maxLength: 45 }) @IsOptional() @StoredIp() ip?: string;
  @ApiPropertyOptional({ example: '00:1a:2b:3c:4d:5e' }) @IsOptional() @Matches(MAC, { message: 'mac must be a MAC address such as 00:1a:2b:3c:4d:5e' }) mac?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxChars(255) @Matches(ONE_LINE, oneLine) interfaceName?: string;
}

/** Fields a technician may set by hand, on create, update and CSV import alike. */
export class DeviceFieldsDto {
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MinLength(1) @MaxChars(255) @Matches(ONE_LINE, oneLine) hostname?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxChars(255) @Matches(ONE_LINE, oneLine) fqdn?: string;
  @ApiPropertyOptional({ enum: DEVICE_TYPES }) @Omittable() @IsIn(DEVICE_TYPES) type?: DeviceType;
  @ApiPropertyOptional({ enum: PLATFORMS }) @Omittable() @IsIn(PLATFORMS) platform?: Platform;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxChars(128) @Matches(ONE_LINE, oneLine) vendor?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxChars(255) @Matches(ONE_LINE, oneLine) model?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxChars(128) @Matches(ONE_LINE, oneLine) serial?: string;
  @ApiPropertyOptional({ example: 'linux' }) @IsOptional() @trimmed() @IsString() @MaxChars(32) @Matches(ONE_LINE, oneLine) osFamily?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxChars(255) @Matches(ONE_LINE, oneLine) osName?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxChars(128) @Matches(ONE_LINE, oneLine) osVersion?: string;
  @ApiPropertyOptional({ example: '192.0.2.10', maxLength: 45 }) @IsOptional() @StoredIp() primaryIp?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxChars(255) @Matches(ONE_LINE, oneLine) location?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MaxChars(255) @Matches(ONE_LINE, oneLine) assignedTo?: string;
  // a TEXT column keeps 65,535 bytes: 10,000 characters of 4 bytes each fit
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxChars(10_000) notes?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Matches(TAG, TAG_MESSAGE)
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

  // changes to the tags rather than the whole list, so that an edit form open for a while does
  // not take off a tag someone added meanwhile (a bulk edit's, say)
  @ApiPropertyOptional({ type: [String], example: ['floor-2'], description: 'tags to add where missing (instead of tags, which replaces the list)' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Matches(TAG, TAG_MESSAGE)
  addTags?: string[];

  @ApiPropertyOptional({ type: [String], example: ['lab'], description: 'tags to remove where present (instead of tags)' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Matches(TAG, TAG_MESSAGE)
  removeTags?: string[];
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
  @ApiProperty({ nullable: true, type: String, description: 'the address this source last reached the device at (null: a technician\'s edit, or not known)' }) address: string | null;
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

export class HistoryPage {
  @ApiProperty({ type: [HistoryView], description: 'newest first' }) items: HistoryView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}

export class BulkTagResult {
  @ApiProperty({ description: 'devices the ids or the filter picked (ids of devices that do not exist are not counted)' }) matched: number;
  @ApiProperty({ description: 'devices whose tags changed (each change is a history row, as with a single edit)' }) updated: number;
}

export class TagsQuery {
  @ApiPropertyOptional({ description: 'tags that begin with this (case-insensitive)', example: 'floor' })
  @IsOptional() @IsString() @MaxChars(64)
  q?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit: number = 50;
}

export class TagCount {
  @ApiProperty() tag: string;
  @ApiProperty({ description: 'devices with the tag, retired ones included' }) devices: number;
}

export class TagList {
  @ApiProperty({ type: [TagCount], description: 'the most used first, then by name' }) items: TagCount[];
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
