// jobs/: fitting a target's log into what is stored of it. The head says what ran, the tail how
// it ended (the exit code, "reboot required", the inventory refresh): both are kept, the middle
// gives way, and every cut falls between characters, never inside one.
import { charStartAtOrAfter, charStartAtOrBefore } from '../common/utf8';

/** A log stored for one target at most (bytes of UTF-8). */
export const MAX_LOG_BYTES = 1024 * 1024;
/** What is kept of a cut log's end. */
const TAIL_BYTES = 16 * 1024;

/** The log within `max` bytes: whole, or its head and tail around a line saying how much was cut. */
export function fitLog(log: string, max = MAX_LOG_BYTES): { text: string; bytes: number; truncated: boolean } {
  const buf = Buffer.from(log, 'utf8');
  if (buf.length <= max) return { text: log, bytes: buf.length, truncated: false };
  const tail = Math.min(TAIL_BYTES, Math.floor(max / 4));
  // the marker's own length depends on the number in it: sized for the largest it could say
  const room = max - tail - Buffer.byteLength(marker(buf.length));
  const headEnd = charStartAtOrBefore(buf, Math.max(0, room));
  const tailStart = charStartAtOrAfter(buf, buf.length - tail);
  const text = `${buf.subarray(0, headEnd).toString('utf8')}${marker(tailStart - headEnd)}${buf.subarray(tailStart).toString('utf8')}`;
  return { text, bytes: Buffer.byteLength(text), truncated: true };
}

function marker(cut: number): string {
  return `\n[… ${cut} bytes of this log cut here …]\n`;
}

/** What a kind's own log may hold: the runner puts its header (and a merge's line) in front. */
export const KIND_LOG_BYTES = MAX_LOG_BYTES - 4096;

/**
 * A log written piece by piece (a task's commands and their output) that keeps, in bounded
 * memory, what fitLog() keeps of the whole: the head, the last part, and the true count of what
 * was cut between. A log cut at its first megabyte lost how the task ended: the failing step,
 * its exit code, "reboot required".
 */
export class BoundedLog {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private readonly headMax: number;
  private readonly tailMax: number;
  /** what came after the head, trimmed to the last tailMax bytes once it is twice that */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(private readonly max = KIND_LOG_BYTES) {
    this.tailMax = Math.min(TAIL_BYTES, Math.floor(max / 4));
    this.headMax = Math.max(0, max - this.tailMax - Buffer.byteLength(marker(Number.MAX_SAFE_INTEGER)));
  }

  append(text: string): void {
    let buf = Buffer.from(text, 'utf8');
    if (this.headBytes < this.headMax && this.tailBytes === 0) {
      const room = this.headMax - this.headBytes;
      const take = room < buf.length ? charStartAtOrBefore(buf, room) : buf.length;
      this.head.push(buf.subarray(0, take));
      this.headBytes += take;
      buf = buf.subarray(take);
    }
    if (!buf.length) return;
    this.tail.push(buf);
    this.tailBytes += buf.length;
    if (this.tailBytes > 2 * this.tailMax) {
      const all = Buffer.concat(this.tail);
      const from = charStartAtOrAfter(all, all.length - this.tailMax);
      this.dropped += from;
      this.tail = [all.subarray(from)];
      this.tailBytes = all.length - from;
    }
  }

  /** The log within the size given: whole, or its head and end around a line saying how much was cut. */
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail);
    if (!this.dropped) return fitLog(head + tail.toString('utf8'), this.max).text;
    const from = charStartAtOrAfter(tail, Math.max(0, tail.length - this.tailMax));
    return `${head}${marker(this.dropped + from)}${tail.subarray(from).toString('utf8')}`;
  }
}
