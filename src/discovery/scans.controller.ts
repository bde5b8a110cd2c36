// discovery/: HTTP for scans and saved ranges, and a device's rescan. Everyone reads; technicians
// start, cancel and schedule; progress streams as server-sent events.
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audit } from '../audit/audit.interceptor';
import { AuthUser, MinRole } from '../auth/roles';
import { CurrentUser } from '../common/current-user.decorator';
import { sendCsv } from '../common/csv-download';
import { IdParam } from '../common/id-param';
import { PageQuery } from '../common/pagination';
import {
  CreateScanDto, CreateScheduleDto, GonePage, RescanCreated, ScanCreated, ScanDetailQuery, ScanDetailView, ScanResultFilter, ScanListQuery, ScanPage, ScanView, SchedulePage, ScheduleView, UpdateScheduleDto,
} from './scan.dto';
import { ScanSchedulesService } from './scan-schedules.service';
import { ScansService } from './scans.service';

@ApiTags('discovery')
@ApiBearerAuth()
@Controller('discovery')
export class ScansController {
  constructor(
    private readonly scans: ScansService,
    private readonly schedules: ScanSchedulesService,
  ) {}

  @Post('scans')
  @HttpCode(202)
  @MinRole('technician')
  @Audit('scan.start', 'scan')
  @ApiAcceptedResponse({ type: ScanCreated, description: 'queued; follow GET /api/discovery/scans/{id} or its /events' })
  start(@Body() dto: CreateScanDto, @CurrentUser() me: AuthUser): Promise<ScanCreated> {
    return this.scans.start(dto, me.username);
  }

  @Get('scans')
  @MinRole('viewer')
  @ApiOkResponse({ type: ScanPage })
  list(@Query() q: ScanListQuery): Promise<ScanPage> {
    return this.scans.list(q);
  }

  @Get('scans/:id')
  @MinRole('viewer')
  @ApiOkResponse({ type: ScanDetailView })
  get(@IdParam('id') id: number, @Query() q: ScanDetailQuery): Promise<ScanDetailView> {
    return this.scans.get(id, q);
  }

  @Get('scans/:id/results.csv')
  @MinRole('viewer')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'every result of the scan as CSV (address, status, reason, device, via, change, …) in address order, filtered as GET /scans/{id} is' })
  @ApiOkResponse({ description: 'a CSV file; a cell a spreadsheet would take for a formula starts with \'' })
  async resultsCsv(@IdParam('id') id: number, @Query() q: ScanResultFilter, @Res() res: Response): Promise<void> {
    await sendCsv(res, `scan-${id}-results.csv`, this.scans.resultsCsv(id, q)); // a missing scan is still a JSON 404
  }

  @Get('scans/:id/gone')
  @MinRole('viewer')
  @ApiOperation({ summary: 'devices the previous completed scan of the same range identified and this completed scan did not, with what their addresses answered now' })
  @ApiOkResponse({ type: GonePage })
  gone(@IdParam('id') id: number, @Query() q: PageQuery): Promise<GonePage> {
    return this.scans.gone(id, q);
  }

  @Post('scans/:id/cancel')
  @HttpCode(200)
  @MinRole('technician')
  @Audit('scan.cancel', 'scan')
  @ApiOkResponse({ type: ScanView, description: 'cancelled: addresses in flight are abandoned with nothing stored, the rest are not scanned; devices already found are kept' })
  cancel(@IdParam('id') id: number): Promise<ScanView> {
    return this.scans.cancel(id);
  }

  @Get('scans/:id/events')
  @MinRole('viewer')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'progress as server-sent events: `progress` (the scan as GET shows it, without results) on each change, then `done`' })
  @ApiOkResponse({ description: 'an event stream; 404 before it starts when the scan does not exist' })
  async events(@IdParam('id') id: number, @Res() res: Response): Promise<void> {
    await this.scans.view(id); // a missing scan is a plain 404, before any stream header is sent
    // a client that left meanwhile (or before) has had its 'close' already: a stream started for
    // it would poll until the scan ends, which for a scan that stays queued is never
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    const sub = this.scans.events(id).subscribe({
      next: (e) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`),
      error: (err: Error) => res.end(`event: error\ndata: ${JSON.stringify({ message: err.message })}\n\n`),
      complete: () => res.end(),
    });
    res.on('close', () => sub.unsubscribe());
  }

  @Get('schedules')
  @MinRole('viewer')
  @ApiOkResponse({ type: SchedulePage })
  listSchedules(@Query() q: PageQuery): Promise<SchedulePage> {
    return this.schedules.list(q);
  }

  @Post('schedules')
  @MinRole('technician')
  @Audit('scan-schedule.create', 'scan-schedule')
  @ApiCreatedResponse({ type: ScheduleView })
  createSchedule(@Body() dto: CreateScheduleDto): Promise<ScheduleView> {
    return this.schedules.create(dto);
  }

  @Get('schedules/:id')
  @MinRole('viewer')
  @ApiOkResponse({ type: ScheduleView })
  getSchedule(@IdParam('id') id: number): Promise<ScheduleView> {
    return this.schedules.get(id);
  }

  @Patch('schedules/:id')
  @MinRole('technician')
  @Audit('scan-schedule.update', 'scan-schedule')
  @ApiOkResponse({ type: ScheduleView })
  updateSchedule(@IdParam('id') id: number, @Body() dto: UpdateScheduleDto): Promise<ScheduleView> {
    return this.schedules.update(id, dto);
  }

  @Delete('schedules/:id')
  @HttpCode(204)
  @MinRole('technician')
  @Audit('scan-schedule.delete', 'scan-schedule')
  @ApiNoContentResponse()
  removeSchedule(@IdParam('id') id: number): Promise<void> {
    return this.schedules.remove(id);
  }

  @Post('schedules/:id/run')
  @HttpCode(202)
  @MinRole('technician')
  @Audit('scan-schedule.run', 'scan-schedule')
  @ApiAcceptedResponse({ type: ScanCreated, description: 'a scan of the saved range, started now' })
  @ApiConflictResponse({ description: 'the saved range\'s last scan is still queued or running' })
  runSchedule(@IdParam('id') id: number, @CurrentUser() me: AuthUser): Promise<ScanCreated> {
    return this.schedules.runNow(id, me.username);
  }
}

/** A device's own discovery: scanned again as the last scan found it. */
@ApiTags('discovery')
@ApiBearerAuth()
@Controller('devices')
export class DeviceScansController {
  constructor(private readonly scans: ScansService) {}

  @Post(':id/rescan')
  @HttpCode(202)
  @MinRole('technician')
  @Audit('device.rescan', 'device')
  @ApiAcceptedResponse({ type: RescanCreated, description: 'a scan of the device at the addresses, with the credentials (those not deleted since) and options, of the last scan that identified it; follow GET /api/discovery/scans/{id}' })
  @ApiConflictResponse({ description: 'no kept scan has identified the device (a record from its agent or by hand, or its scans older than the scan retention), or none of that scan\'s credentials is left' })
  rescan(@IdParam('id') id: number, @CurrentUser() me: AuthUser): Promise<RescanCreated> {
    return this.scans.rescanDevice(id, me.username);
  }
}
