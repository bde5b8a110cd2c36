// agents/: HTTP for agents' reports. The schema is public (agents and admins read it); the
// upload is @Public() to the global guard because ReportAuthGuard authenticates it instead.
import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiForbiddenResponse, ApiOkResponse, ApiPayloadTooLargeResponse, ApiProperty, ApiPropertyOptional,
  ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { NotAudited } from '../audit/audit.interceptor';
import { Public } from '../auth/roles';
import { MAX_REPORT_BYTES } from './report-body';
import { REPORT_SCHEMA, reportSchemaForOpenApi } from './report-schema';
import { ReportAuthGuard, ReportRequest } from './report-auth.guard';
import { ReportsService, ServerBusy } from './reports.service';

export class ReportResult {
  @ApiProperty() deviceId: number;
  @ApiProperty({ description: 'whether the report made a new device' }) created: boolean;
  @ApiPropertyOptional({ nullable: true, enum: ['serial', 'mac', 'hostname', 'machine-id'], description: 'what identified an existing device: its serial, a MAC, its hostname with an address it has, or its hostname with its OS installation id' }) matchedBy: 'serial' | 'mac' | 'hostname' | 'machine-id' | null;
  @ApiProperty({ description: 'history entries the report caused' }) changes: number;
}

@ApiTags('inventory')
@Controller('inventory')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('schema')
  @Public()
  @ApiOkResponse({ description: 'the JSON Schema (2020-12) that POST /api/inventory/reports validates against' })
  schema() {
    return REPORT_SCHEMA;
  }

  @Post('reports')
  @Public()
  @UseGuards(ReportAuthGuard)
  @NotAudited()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiBody({ schema: reportSchemaForOpenApi(), description: 'an inventory report (GET /api/inventory/schema); the server sets its source to agent' })
  @ApiOkResponse({ type: ReportResult, description: 'ingested: the device it was matched to or created as' })
  @ApiBadRequestResponse({ description: 'not JSON, or not valid against the schema: details name each field' })
  @ApiUnauthorizedResponse({ description: 'no token, or an unknown, revoked or expired enrollment token' })
  @ApiForbiddenResponse({ description: "a viewer's token: reports need an enrollment token or a technician's" })
  @ApiPayloadTooLargeResponse({ description: `a body over ${MAX_REPORT_BYTES / 1024 / 1024} MiB` })
  @ApiTooManyRequestsResponse({ description: "over the token's reportsPerMinute; Retry-After says when to try again" })
  @ApiServiceUnavailableResponse({ description: 'the server is storing as many reports as it may at once (TEKNISI_REPORTS_IN_FLIGHT), or another report of the same machine held this one up; Retry-After says when to send it again' })
  async receive(@Body() body: unknown, @Req() req: ReportRequest, @Res({ passthrough: true }) res: Response): Promise<ReportResult> {
    const r = await this.reports.receive(body, req.reporter!).catch((err) => {
      if (err instanceof ServerBusy) res.setHeader('Retry-After', String(err.retryAfterS));
      throw err;
    });
    return { deviceId: r.deviceId, created: r.created, matchedBy: r.matchedBy, changes: r.changes };
  }
}
