// common/: request bodies nested deeper than any real request. JSON.parse copes with 30,000
// levels, but the validation pipe and the audit log walk a body recursively, and such a body
// overflowed the stack in both: a 500, then a crash of the whole process from the audit write,
// for anyone, through POST /api/auth/login. Checked on the raw bytes before parsing.
import { BadRequestException } from '@nestjs/common';

/** Deeper than any request Teknisi takes (an inventory report nests 4 levels). */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests objects and arrays deeper than max (brackets inside strings do not count). */
export function jsonDepthExceeds(buf: Uint8Array, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** body-parser's `verify` hook: a 400 for a body nested too deep, before it is parsed. */
export function verifyJsonDepth(_req: unknown, _res: unknown, buf: Buffer): void {
  if (jsonDepthExceeds(buf)) throw new BadRequestException(`The JSON body nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep`);
}
