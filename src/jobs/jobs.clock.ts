// jobs/: the time jobs live by — schedules, windows, deadlines, backoff. One injectable clock,
// so a test can move it to Sunday 02:00 instead of waiting for it; production never moves it.
import { Injectable } from '@nestjs/common';

@Injectable()
export class JobsClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Tests only: from now on, this process's jobs clock reads `at` (and runs on from there). */
  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
