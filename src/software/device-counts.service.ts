// software/: the catalogue's device counts (software.device_count) kept current between the
// worker's hourly recounts, in batches. Ingest hands over, after each report commits, the titles
// that gained or lost the device; they are summed here per title and written about a second
// later (or at once past FLUSH_AT_TITLES), one UPDATE per delta value and 1,000 ids, instead of
// one UPDATE of ~800 shared rows per report, which cost ingest a tenth of its time.
//
// The deltas live in this process's memory until flushed: a crash, or a job that ends after
// the shutdown flush, loses them, and the hourly software.recount (a full recount from
// installed_software) puts every count right again — as it does for a change counted twice
// because the recount ran between its commit and its flush. A failed flush keeps its deltas
// for the next one. Every process (API, each worker) has its own: flush() writes this
// process's only. So the catalogue API does not flush before it reads: with TEKNISI_ROLE split
// most deltas sit in workers it cannot reach, and a flush per read would put UPDATEs of shared
// rows on a read path; a count lags ingest by about a second. Tests, and code that must show
// exact counts at once in this process, call flush().
import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { SoftwareRepository } from './software.repository';

/** How long deltas wait for more before they are written. */
export const FLUSH_AFTER_MS = 1000;
/** Titles pending past which a flush starts at once (1,000 Debian machines carry ~12,500). */
export const FLUSH_AT_TITLES = 4000;
const IDS_PER_UPDATE = 1000;
/** Attempts of one UPDATE on a deadlock or lock wait timeout before the flush gives up (and keeps its deltas). */
const ATTEMPTS = 5;
/** Longest wait before a failed flush is tried again. */
const MAX_RETRY_MS = 30_000;

export const DEVICE_COUNTS_OPTIONS = Symbol('DEVICE_COUNTS_OPTIONS');

export interface DeviceCountsOptions {
  flushAfterMs?: number;
  flushAtTitles?: number;
}

@Injectable()
export class DeviceCountsService implements OnApplicationShutdown {
  private readonly logger = new Logger('DeviceCounts');
  private pending = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  /** The last flush started or queued: flushes run one after another. */
  private last: Promise<void> = Promise.resolve();
  /** A flush queued behind a running one and not started yet: later calls join it. */
  private queued: Promise<void> | null = null;
  private failures = 0;
  private closed = false;
  private readonly flushAfterMs: number;
  private readonly flushAtTitles: number;

  constructor(
    private readonly repo: SoftwareRepository,
    @Optional() @Inject(DEVICE_COUNTS_OPTIONS) options: DeviceCountsOptions = {},
  ) {
    this.flushAfterMs = options.flushAfterMs ?? FLUSH_AFTER_MS;
    this.flushAtTitles = options.flushAtTitles ?? FLUSH_AT_TITLES;
  }

  /** Titles the device gained and lost in a committed change: +1 and −1 each, written later. */
  add(added: number[], removed: number[]): void {
    for (const id of added) this.bump(id, 1);
    for (const id of removed) this.bump(id, -1);
    if (!this.pending.size) return;
    // after the shutdown flush: a job the queue worker is still finishing, written at once
    // (best effort: the DataSource closes soon after)
    if (this.closed) return void this.flush().catch(() => undefined);
    // while the database keeps failing, the retry timer decides, not every report
    if (this.pending.size > this.flushAtTitles && !this.failures) this.flush().catch(() => undefined);
    else this.schedule(this.flushAfterMs);
  }

  /** Titles with a delta not written yet. */
  get pendingTitles(): number {
    return this.pending.size;
  }

  /**
   * Writes every delta added before the call (after any flush already running). Rejects when
   * some could not be written; those are kept for the next flush, which is scheduled.
   */
  flush(): Promise<void> {
    if (this.queued) return this.queued;
    const run = this.last.catch(() => undefined).then(() => {
      this.queued = null;
      return this.drain();
    });
    this.queued = run;
    this.last = run;
    return run;
  }

  /**
   * After the HTTP server has closed (no more agent uploads) and before the DataSource does:
   * Nest shuts global modules (database, Redis, queue) down after feature modules. Deltas of a
   * job that the queue worker's own shutdown waits for are written as they come (see add);
   * whatever still misses the closing DataSource waits for the next recount.
   */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.flush().catch(() => undefined); // logged by drain
  }

  private bump(id: number, delta: number): void {
    const sum = (this.pending.get(id) ?? 0) + delta;
    if (sum === 0) this.pending.delete(id);
    else this.pending.set(id, sum);
  }

  private async drain(): Promise<void> {
    this.clearTimer();
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    const chunks = byDelta(batch).flatMap(({ delta, ids }) =>
      Array.from({ length: Math.ceil(ids.length / IDS_PER_UPDATE) }, (_, k) => ({ delta, ids: ids.slice(k * IDS_PER_UPDATE, (k + 1) * IDS_PER_UPDATE) })));
    let done = 0;
    try {
      for (const chunk of chunks) {
        await this.update(chunk.delta, chunk.ids);
        done++;
      }
      this.failures = 0;
    } catch (err) {
      // each UPDATE is a statement of its own (autocommit), written whole or not at all: the
      // chunks before the failure are in, the failed one and the rest go back to pending
      for (const chunk of chunks.slice(done)) for (const id of chunk.ids) this.bump(id, chunk.delta);
      this.failures++;
      this.logger.warn(
        { err: describe(err), titles: batch.size, pending: this.pending.size, retryInMs: this.retryDelay() },
        'catalogue device counts not written; kept for the next flush',
      );
      if (!this.closed) this.schedule(this.retryDelay());
      throw err;
    }
  }

  /** One UPDATE, again after a deadlock or lock wait timeout (concurrent ingests and other processes' flushes). */
  private async update(delta: number, ids: number[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.repo.adjustDeviceCounts(delta, ids);
      } catch (err) {
        if (attempt >= ATTEMPTS || !isLockConflict(err)) throw err;
        await new Promise((done) => setTimeout(done, attempt * 20 * Math.random()));
      }
    }
  }

  private retryDelay(): number {
    return Math.min(MAX_RETRY_MS, this.flushAfterMs * 2 ** Math.max(0, this.failures - 1));
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch(() => undefined); // logged by drain
    }, ms);
    // a pending flush never keeps a process alive: the recount heals what it would have written
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Ids grouped by their delta, each group's ids ascending: every process locks titles in one order. */
export function byDelta(pending: Map<number, number>): Array<{ delta: number; ids: number[] }> {
  const groups = new Map<number, number[]>();
  for (const [id, delta] of pending) {
    const ids = groups.get(delta);
    if (ids) ids.push(id);
    else groups.set(delta, [id]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([delta, ids]) => ({ delta, ids: ids.sort((x, y) => x - y) }));
}

function isLockConflict(err: unknown): boolean {
  const e = err as { errno?: number; driverError?: { errno?: number } };
  const code = e?.driverError?.errno ?? e?.errno;
  return code === 1213 || code === 1205;
}

/** What went wrong, without the statement's parameters or anything of the connection's options. */
function describe(err: unknown): { code?: string; errno?: number; message: string } {
  const e = err as { code?: string; errno?: number; message?: string; driverError?: { code?: string; errno?: number } };
  return { code: e?.driverError?.code ?? e?.code, errno: e?.driverError?.errno ?? e?.errno, message: String(e?.message ?? err).slice(0, 200) };
}
