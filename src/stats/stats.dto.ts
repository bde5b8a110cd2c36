// stats/: the dashboard's figures.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEVICE_TYPES, DeviceType, PLATFORMS, Platform } from '../devices/device.entity';

export class KeyCount {
  @ApiPropertyOptional({ nullable: true, type: String, description: 'the value (null: not known, e.g. no OS family yet)' }) key: string | null;
  @ApiProperty() count: number;
}

export class DeviceStats {
  @ApiProperty({ description: 'devices that are not retired (what the device list counts)' }) total: number;
  @ApiProperty({ type: [KeyCount], description: 'non-retired devices per type, most first' }) byType: KeyCount[];
  @ApiProperty({ type: [KeyCount], description: 'non-retired devices per platform, most first' }) byPlatform: KeyCount[];
  @ApiProperty({ type: [KeyCount], description: 'non-retired devices per OS family, most first' }) byOsFamily: KeyCount[];
  @ApiProperty({ type: [KeyCount], description: 'every device per status (active, stale, retired), most first' }) byStatus: KeyCount[];
}

export class RecentDevice {
  @ApiProperty() id: number;
  @ApiPropertyOptional({ nullable: true, type: String }) hostname: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) primaryIp: string | null;
  @ApiProperty({ enum: DEVICE_TYPES }) type: DeviceType;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty() firstSeen: Date;
}

export class RecentJob {
  @ApiProperty() id: number;
  @ApiPropertyOptional({ nullable: true, type: String }) name: string | null;
  @ApiProperty() kind: string;
  @ApiProperty({ enum: ['scheduled', 'running', 'paused', 'completed', 'cancelled'], description: "the job's status as GET /api/jobs shows it" })
  state: 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';
  @ApiProperty() createdAt: Date;
}

export class JobStats {
  @ApiProperty({ description: 'jobs with a run in progress (running, not paused)' }) running: number;
  @ApiProperty({ description: "jobs waiting for a start time (a one-off job's runAt or a cron job's next firing), with no run in progress" }) queued: number;
  @ApiProperty({ type: [RecentJob], description: 'the 5 latest jobs, newest first' }) recent: RecentJob[];
}

export class ScanStats {
  @ApiProperty({ description: 'scans in progress: started and not yet finished (queued for a worker or running)' }) running: number;
}

export class ConfigStats {
  @ApiProperty({ description: 'devices with at least one configuration version' }) devicesWithConfig: number;
  @ApiProperty({ description: 'devices whose configuration differs from their baseline' }) drifted: number;
  @ApiProperty({ description: 'enabled compliance rules that at least one device fails' }) rulesFailing: number;
  @ApiProperty({ description: 'devices failing at least one enabled compliance rule' }) devicesFailingRules: number;
}

export class StatsView {
  @ApiProperty({ type: DeviceStats }) devices: DeviceStats;
  @ApiProperty({ type: [RecentDevice], description: 'the 10 non-retired devices first seen most recently, newest first' }) recentlyDiscovered: RecentDevice[];
  @ApiProperty({ type: JobStats }) jobs: JobStats;
  @ApiProperty({ type: ScanStats }) scans: ScanStats;
  @ApiProperty({ type: ConfigStats }) configs: ConfigStats;
}
