// stats/: GET /api/stats, the dashboard's figures, for every role.
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '../auth/roles';
import { StatsView } from './stats.dto';
import { StatsService } from './stats.service';

@ApiTags('stats')
@ApiBearerAuth()
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @MinRole('viewer')
  @ApiOperation({ summary: "the dashboard's figures: devices by type, platform, OS family and status, recent discoveries, jobs, scans, configurations" })
  @ApiOkResponse({ type: StatsView })
  get(): Promise<StatsView> {
    return this.stats.get();
  }
}
