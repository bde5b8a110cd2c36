// jobs/windows/: request and response shapes of /api/windows. Every bad field is a 400 that
// names it (ranges.0.start, tags.2).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MinLength, ValidateBy, ValidateNested,
} from 'class-validator';
import { MaxChars, Omittable, trimmed } from '../../common/dto-fields';
import { SearchPageQuery, sortValues } from '../../common/pagination';
import { ONE_LINE, TAG } from '../../devices/device.dto';
import { HHMM, HHMM_OR_24, isValidTimeZone, Weekday, WEEKDAYS } from './window-time';

const oneLine = { message: '$property must be one line without control or text-direction characters' };
const tagMessage = { each: true, message: 'each tag is 1 to 64 letters, digits, spaces or _ . : / - starting with a letter or digit' };

const IsTimeZoneName = () =>
  ValidateBy({
    name: 'isTimeZoneName',
    validator: { validate: (v) => isValidTimeZone(v), defaultMessage: () => '$property must be an IANA time zone name such as Europe/Berlin or UTC' },
  });

export const WINDOW_SORT: Record<string, string> = { id: 'w.id', name: 'w.name', timezone: 'w.timezone', createdAt: 'w.created_at', updatedAt: 'w.updated_at' };

export class WindowRangeDto {
  @ApiProperty({ enum: WEEKDAYS, isArray: true, example: ['sat', 'sun'], description: 'days the range starts on' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(7) @ArrayUnique({ message: 'days must not repeat a day' })
  @IsIn(WEEKDAYS, { each: true, message: `each day must be one of ${WEEKDAYS.join(', ')}` })
  days: Weekday[];

  @ApiProperty({ example: '22:00', description: 'HH:MM, local time in the window\'s time zone' })
  @IsString() @Matches(HHMM, { message: '$property must be HH:MM (00:00 to 23:59)' })
  start: string;

  @ApiProperty({ example: '04:00', description: 'HH:MM or 24:00; at or before start means the range ends on the next day' })
  @IsString() @Matches(HHMM_OR_24, { message: '$property must be HH:MM (00:00 to 24:00)' })
  end: string;
}

export class CreateWindowDto {
  @ApiProperty({ example: 'Lab nights', minLength: 1, maxLength: 128 })
  @trimmed() @IsString() @MinLength(1) @MaxChars(128) @Matches(ONE_LINE, oneLine)
  name: string;

  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone the ranges are read in (DST included)' })
  @IsString() @MaxChars(64) @IsTimeZoneName()
  timezone: string;

  @ApiProperty({ type: [WindowRangeDto], minItems: 1, maxItems: 50 })
  @IsArray() @ArrayMinSize(1, { message: 'ranges must hold at least one range' }) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => WindowRangeDto)
  ranges: WindowRangeDto[];

  @ApiPropertyOptional({ type: [String], example: ['lab'], description: 'devices with one of these tags run jobs only while this window (or another of the tag\'s) is open' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Matches(TAG, tagMessage)
  tags?: string[];

  @ApiPropertyOptional({ default: true, description: 'a disabled window holds nothing back' })
  @IsOptional() @IsBoolean()
  enabled?: boolean;
}

export class UpdateWindowDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 128 })
  @Omittable() @trimmed() @IsString() @MinLength(1) @MaxChars(128) @Matches(ONE_LINE, oneLine)
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin' })
  @Omittable() @IsString() @MaxChars(64) @IsTimeZoneName()
  timezone?: string;

  @ApiPropertyOptional({ type: [WindowRangeDto], minItems: 1, maxItems: 50, description: 'replaces every range' })
  @Omittable() @IsArray() @ArrayMinSize(1, { message: 'ranges must hold at least one range' }) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => WindowRangeDto)
  ranges?: WindowRangeDto[];

  @ApiPropertyOptional({ type: [String], description: 'replaces every tag; [] detaches the window from all tags' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Matches(TAG, tagMessage)
  tags?: string[];

  @ApiPropertyOptional()
  @Omittable() @IsBoolean()
  enabled?: boolean;
}

export class WindowListQuery extends SearchPageQuery {
  @ApiPropertyOptional({ description: 'only windows holding this tag' })
  @IsOptional() @IsString() @Matches(TAG, { message: 'tag is 1 to 64 letters, digits, spaces or _ . : / -' })
  tag?: string;

  @ApiPropertyOptional({ enum: sortValues(WINDOW_SORT), default: 'name' })
  @IsOptional() @IsIn(sortValues(WINDOW_SORT), { message: `sort must be one of ${sortValues(WINDOW_SORT).join(', ')}` })
  sort?: string;
}

// ---- responses ----

export class WindowView {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'Europe/Berlin' }) timezone: string;
  @ApiProperty({ type: [WindowRangeDto] }) ranges: WindowRangeDto[];
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty() enabled: boolean;
  @ApiProperty({ description: 'open at the time of the request' }) openNow: boolean;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'now when open, else the next opening; null when none within 8 weeks' })
  nextOpening: Date | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class WindowPage {
  @ApiProperty({ type: [WindowView] }) items: WindowView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}
