// queue/: queue and job names, and the payload each job carries (ids, never objects).
export enum QueueName {
  Maintenance = 'maintenance',
  Discovery = 'discovery',
  Jobs = 'jobs',
}

export enum JobName {
  MarkStaleDevices = 'devices.mark-stale',
  PurgeExpiredSessions = 'auth.purge-sessions',
  RecountSoftware = 'software.recount',
  ScanChunk = 'discovery.scan-chunk',
  ReconcileScans = 'discovery.reconcile',
  FireScanSchedules = 'discovery.fire-schedules',
  PruneScans = 'discovery.prune-scans',
  JobLane = 'jobs.lane',
  PruneJobOutput = 'jobs.prune-output',
}

export interface JobPayloads {
  [JobName.MarkStaleDevices]: Record<string, never>;
  [JobName.PurgeExpiredSessions]: Record<string, never>;
  [JobName.RecountSoftware]: Record<string, never>;
  [JobName.ScanChunk]: { scanId: number; chunkNo: number };
  [JobName.ReconcileScans]: Record<string, never>;
  [JobName.FireScanSchedules]: Record<string, never>;
  [JobName.PruneScans]: Record<string, never>;
  [JobName.PruneJobOutput]: Record<string, never>;
  /** one of a run's `concurrency` lanes: claims the run's due targets one after another */
  [JobName.JobLane]: { runId: number; lane: number };
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.MarkStaleDevices]: QueueName.Maintenance,
  [JobName.PurgeExpiredSessions]: QueueName.Maintenance,
  [JobName.RecountSoftware]: QueueName.Maintenance,
  [JobName.ScanChunk]: QueueName.Discovery,
  // on the maintenance queue so that long scan chunks never hold them up
  [JobName.ReconcileScans]: QueueName.Maintenance,
  [JobName.FireScanSchedules]: QueueName.Maintenance,
  [JobName.PruneScans]: QueueName.Maintenance,
  [JobName.PruneJobOutput]: QueueName.Maintenance,
  [JobName.JobLane]: QueueName.Jobs,
};

/**
 * How many finished jobs a queue keeps for the dashboard. When a job finishes, BullMQ trims the
 * queue's whole completed (or failed) set to that job's count, so every job, one-off or recurring,
 * gives the same numbers: a smaller one would cut the others' history short.
 */
export const FINISHED_JOBS_KEPT = { removeOnComplete: 1000, removeOnFail: 5000 } as const;

/**
 * Recurring maintenance, upserted by every worker on start and put back by its periodic check
 * when Redis lost it (QueueWorkerService): Redis may lose everything, and without these no scan
 * would ever leave `running`, no scheduled scan would fire and nothing would be pruned.
 */
export const RECURRING: Array<{ id: string; name: JobName; everyMs: number }> = [
  { id: 'mark-stale-devices', name: JobName.MarkStaleDevices, everyMs: 60 * 60 * 1000 },
  { id: 'purge-expired-sessions', name: JobName.PurgeExpiredSessions, everyMs: 60 * 60 * 1000 },
  { id: 'recount-software', name: JobName.RecountSoftware, everyMs: 60 * 60 * 1000 },
  { id: 'reconcile-scans', name: JobName.ReconcileScans, everyMs: 30 * 1000 },
  { id: 'fire-scan-schedules', name: JobName.FireScanSchedules, everyMs: 20 * 1000 },
  // TEKNISI_SCAN_RETENTION_DAYS, TEKNISI_JOB_OUTPUT_RETENTION_DAYS
  { id: 'prune-scans', name: JobName.PruneScans, everyMs: 60 * 60 * 1000 },
  { id: 'prune-job-output', name: JobName.PruneJobOutput, everyMs: 60 * 60 * 1000 },
];
