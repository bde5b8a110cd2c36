// jobs/: what a cron schedule does, before it is saved: its next firings in its time zone and
// what a technician may not expect of it (cron's day-of-month OR weekday). The job wizard and the
// saved-range form show it under the schedule; jobs and saved ranges read cron alike.
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { MinRole } from '../auth/roles';
import { cronSurprise, firings } from '../common/cron';
import { MaxChars } from '../common/dto-fields';
import { ONE_LINE } from '../devices/device.dto';
import { JobsClock } from './jobs.clock';

/** How many firings a preview lists. */
const PREVIEW_FIRINGS = 5;

export class SchedulePreviewQuery {
  @ApiProperty({ example: '0 2 * * 2#2', description: 'five-field cron (or six, with seconds)' })
  @IsString() @MinLength(1) @MaxChars(128) @Matches(ONE_LINE, { message: 'cron must be one line' })
  cron: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC', description: 'IANA time zone the expression is read in' })
  @IsOptional() @IsString() @MaxChars(64)
  timezone?: string;
}

export class SchedulePreview {
  @ApiProperty({ type: [String], format: 'date-time', description: `the next ${PREVIEW_FIRINGS} firings, by the database's clock` }) next: string[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'what the expression does that its writer may not expect, in words' }) note: string | null;
}

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('schedule-preview')
export class SchedulePreviewController {
  constructor(private readonly clock: JobsClock) {}

  @Get()
  @MinRole('viewer')
  @ApiOperation({ summary: 'the next firings of a cron schedule in a time zone, and what may surprise in it; 400 naming cron or timezone when either is wrong' })
  @ApiOkResponse({ type: SchedulePreview })
  preview(@Query() q: SchedulePreviewQuery): SchedulePreview {
    const next = firings(q.cron, q.timezone ?? 'UTC', this.clock.now(), PREVIEW_FIRINGS);
    return { next: next.map((d) => d.toISOString()), note: cronSurprise(q.cron) };
  }
}
