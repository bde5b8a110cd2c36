// protocols/ssh: quoting for POSIX shells, for the rare command that must carry a value. Prefer
// fixed command strings; a value that must travel goes through shQuote, never through
// string concatenation alone.

/**
 * One shell word that a POSIX sh reads back as exactly `value`: single quotes around it, and
 * each single quote inside written as '\'' (close, escaped quote, reopen). NUL cannot be
 * passed in an argument at all, so it is refused rather than silently cut.
 */
export function shQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell argument cannot contain a NUL character');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A command line from a program and its arguments, each quoted as needed. */
export function shCommand(program: string, ...args: string[]): string {
  return [program, ...args].map(shQuote).join(' ');
}
