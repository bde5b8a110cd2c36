// jobs/: the time jobs live by — schedules, windows, deadlines, backoff and leases. One
// injectable clock, so a test can move it to Sunday 02:00 instead of waiting for it; production
// never moves it. It reads the database's clock, not this machine's: a lease one worker takes
// is judged expired by another, so workers whose clocks drift apart would steal each other's
// targets (or never recover a dead worker's). MySQL is the one clock they all share.
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { JobsRepository } from './jobs.repository';

/** This machine's clock, in ms since the epoch; a test gives a skewed one to play another worker. */
export const LOCAL_CLOCK = Symbol('LOCAL_CLOCK');

/** How often the offset to the database's clock is measured again (clocks drift, NTP steps them). */
export const CLOCK_SYNC_MS = 60_000;

/** A reading whose round trip took longer than this is not trusted to move the offset. */
const MAX_SYNC_RTT_MS = 1_000;

@Injectable()
export class JobsClock implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(JobsClock.name);
  /** the database's clock minus this machine's */
  private skewMs = 0;
  private testOffsetMs = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: JobsRepository,
    @Optional() @Inject(LOCAL_CLOCK) private readonly local: () => number = Date.now,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync().catch((err) => this.log.warn(`could not read the database's clock: ${(err as Error).message}`)), CLOCK_SYNC_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * Measures the offset to the database's clock, taking its reading as the midpoint of the
   * round trip. Returns the offset in ms (database minus this machine).
   */
  async sync(): Promise<number> {
    const sent = this.local();
    const db = await this.repo.databaseNow();
    const received = this.local();
    if (received - sent <= MAX_SYNC_RTT_MS) {
      const skew = db.getTime() - (sent + received) / 2;
      if (Math.abs(skew - this.skewMs) > 5_000) this.log.warn(`this machine's clock is ${Math.round(-skew / 1000)} s off the database's; jobs run on the database's`);
      this.skewMs = skew;
    }
    return this.skewMs;
  }

  now(): Date {
    return new Date(this.local() + this.skewMs + this.testOffsetMs);
  }

  /** Tests only: from now on, this process's jobs clock reads `at` (and runs on from there). */
  set(at: Date): void {
    this.testOffsetMs = at.getTime() - (this.local() + this.skewMs);
  }

  reset(): void {
    this.testOffsetMs = 0;
  }
}
