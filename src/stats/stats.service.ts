// stats/: the dashboard's figures in one response, its queries run side by side.
import { Injectable } from '@nestjs/common';
import { jobStatus } from '../jobs/jobs.service';
import { DeviceType, Platform } from '../devices/device.entity';
import { DeviceStats, KeyCount, StatsView } from './stats.dto';
import { GroupCount, StatsRepository } from './stats.repository';

const RECENT_DEVICES = 10;
const RECENT_JOBS = 5;

/** Sums counts per key over the rows `keep` accepts, most first (then by key). */
function tally(rows: GroupCount[], keyOf: (r: GroupCount) => string | null, keep: (r: GroupCount) => boolean = () => true): KeyCount[] {
  const sums = new Map<string | null, number>();
  for (const r of rows) if (keep(r)) sums.set(keyOf(r), (sums.get(keyOf(r)) ?? 0) + r.count);
  return [...sums].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || String(a.key).localeCompare(String(b.key)));
}

const notRetired = (r: GroupCount) => r.status !== 'retired';

@Injectable()
export class StatsService {
  constructor(private readonly repo: StatsRepository) {}

  async get(): Promise<StatsView> {
    const [byType, byPlatform, byOsFamily, recent, jobCounts, recentJobs, scans, configs] = await Promise.all([
      this.repo.devicesBy('type'), this.repo.devicesBy('platform'), this.repo.devicesBy('osFamily'), this.repo.recentlyDiscovered(RECENT_DEVICES),
      this.repo.jobCounts(), this.repo.recentJobs(RECENT_JOBS), this.repo.scansInProgress(), this.repo.configCounts(),
    ]);
    const devices: DeviceStats = {
      total: byType.filter(notRetired).reduce((n, r) => n + r.count, 0),
      byType: tally(byType, (r) => r.key, notRetired),
      byPlatform: tally(byPlatform, (r) => r.key, notRetired),
      byOsFamily: tally(byOsFamily, (r) => r.key, notRetired),
      byStatus: tally(byType, (r) => r.status),
    };
    return {
      devices,
      recentlyDiscovered: recent.map((d) => ({ ...d, type: d.type as DeviceType, platform: d.platform as Platform })),
      jobs: {
        ...jobCounts,
        recent: recentJobs.map((j) => ({
          id: j.id, name: j.name, kind: j.kind, state: jobStatus(j, j.runStatus ? { status: j.runStatus } : null), createdAt: j.createdAt,
        })),
      },
      scans: { running: scans },
      configs,
    };
  }
}
