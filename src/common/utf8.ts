// common/: cutting UTF-8 bytes between characters, never inside one (a continuation byte,
// 10xxxxxx, belongs to the character that started before it).

const continues = (buf: Uint8Array, i: number) => i < buf.length && (buf[i] & 0xc0) === 0x80;

/** The start of the character at byte `i` (i itself when one starts there): a cut that keeps what is before. */
export function charStartAtOrBefore(buf: Uint8Array, i: number): number {
  while (i > 0 && continues(buf, i)) i--;
  return i;
}

/** The first character start at or after byte `i`: a cut that keeps what is after. */
export function charStartAtOrAfter(buf: Uint8Array, i: number): number {
  while (continues(buf, i)) i++;
  return i;
}

/** `s` cut to at most `max` bytes of UTF-8, at a character's boundary. */
export function cutUtf8(s: string, max: number): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return s;
  return buf.subarray(0, charStartAtOrBefore(buf, max)).toString('utf8');
}
