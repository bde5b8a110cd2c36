// jobs/: fitting a target's log into what is stored of it. The head says what ran, the tail how
// it ended (the exit code, "reboot required", the inventory refresh): both are kept, the middle
// gives way, and every cut falls between characters, never inside one.

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
  let headEnd = Math.max(0, room);
  while (headEnd > 0 && (buf[headEnd] & 0xc0) === 0x80) headEnd--; // not inside a character
  let tailStart = buf.length - tail;
  while (tailStart < buf.length && (buf[tailStart] & 0xc0) === 0x80) tailStart++;
  const text = `${buf.subarray(0, headEnd).toString('utf8')}${marker(tailStart - headEnd)}${buf.subarray(tailStart).toString('utf8')}`;
  return { text, bytes: Buffer.byteLength(text), truncated: true };
}

function marker(cut: number): string {
  return `\n[… ${cut} bytes of this log cut here …]\n`;
}
