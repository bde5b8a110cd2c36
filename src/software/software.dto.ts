import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { MaxChars } from '../common/dto-fields';
import { SearchPageQuery } from '../common/pagination';

export const SOFTWARE_SORT = ['name', '-name', 'publisher', '-publisher', 'deviceCount', '-deviceCount'];

export class SoftwareQuery extends SearchPageQuery {
  @ApiPropertyOptional({ enum: SOFTWARE_SORT, default: 'name' })
  @IsOptional() @IsIn(SOFTWARE_SORT, { message: `sort must be one of ${SOFTWARE_SORT.join(', ')}` })
  sort?: string;
}

export const SOFTWARE_DEVICES_SORT = ['hostname', '-hostname'];

export class SoftwareDevicesQuery extends SearchPageQuery {
  @ApiPropertyOptional({ description: 'matches the beginning of the hostname or IP' }) declare q?: string;
  @ApiPropertyOptional({ description: 'only devices with this exact version' }) @IsOptional() @IsString() @MaxChars(128) version?: string;
  @ApiPropertyOptional({ enum: SOFTWARE_DEVICES_SORT, default: 'hostname' })
  @IsOptional() @IsIn(SOFTWARE_DEVICES_SORT, { message: `sort must be one of ${SOFTWARE_DEVICES_SORT.join(', ')}` })
  sort?: string;
}

export class SoftwareView {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() publisher: string;
  @ApiProperty({ type: [String], description: 'installed versions, newest first (numeric parts compared as numbers; at most 50)' }) versions: string[];
  @ApiProperty({ description: 'how many distinct versions are installed (versions lists the newest 50 of them)' }) versionCount: number;
  @ApiProperty({ description: 'non-retired devices with this title, as of countedAt (the worker recounts hourly)' }) deviceCount: number;
  @ApiPropertyOptional({ nullable: true, type: Date }) countedAt: Date | null;
}

export class InstalledView {
  @ApiProperty() softwareId: number;
  @ApiProperty() name: string;
  @ApiProperty() publisher: string;
  @ApiProperty() version: string;
  @ApiProperty() architecture: string;
  @ApiPropertyOptional({ nullable: true, type: String }) installDate: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) source: string | null;
  @ApiProperty() firstSeen: Date;
}

export class SoftwareDeviceView {
  @ApiProperty() deviceId: number;
  @ApiPropertyOptional({ nullable: true, type: String }) hostname: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) primaryIp: string | null;
  @ApiProperty() status: string;
  @ApiProperty({ description: 'the newest version on this device' }) version: string;
  @ApiProperty() architecture: string;
  @ApiProperty({ type: [String], description: 'every version of the title on this device, newest first' }) versions: string[];
}

export class VersionCount {
  @ApiProperty() version: string;
  @ApiProperty({ description: 'non-retired devices with this version' }) devices: number;
}

export class SoftwareDetailView extends SoftwareView {
  @ApiProperty({ type: [VersionCount], description: 'every installed version with how many devices have it, newest first' }) spread: VersionCount[];
}

export class SoftwarePage {
  @ApiProperty({ type: [SoftwareView] }) items: SoftwareView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}

export class InstalledPage {
  @ApiProperty({ type: [InstalledView] }) items: InstalledView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}

export class SoftwareDevicePage {
  @ApiProperty({ type: [SoftwareDeviceView] }) items: SoftwareDeviceView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}
